// Validates documents with the published JSON Schemas under ajv (draft 2020-12, strict mode, formats), the
// validator family editors use. Reads {"schemas": {kind: schema}, "documents": [[kind, name, data], ...]} as
// JSON on stdin; prints one line per refused schema or document; exits 1 if any.
"use strict";
const path = require("path");
const lib = process.argv[2];
const Ajv2020 = require(path.join(lib, "ajv/dist/2020")).default;
const addFormats = require(path.join(lib, "ajv-formats")).default;

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addVocabulary(["x-public"]);
let bad = 0;
const validators = {};
for (const [kind, schema] of Object.entries(input.schemas)) {
  try {
    validators[kind] = ajv.compile(schema);
  } catch (err) {
    console.log(`schema ${kind}: ${err.message}`);
    bad += 1;
  }
}
for (const [kind, name, data] of input.documents) {
  const validate = validators[kind];
  if (validate && !validate(data)) {
    console.log(`${name}: ${ajv.errorsText(validate.errors)}`);
    bad += 1;
  }
}
console.log(`${input.documents.length} documents, ${bad} refused`);
process.exit(bad ? 1 : 0);
