"""The click flow's bot: platform events in, register files and messages out.

One module per verb, each a function from an event payload (the platform's own shape) to an
:class:`~govmedia.bots.payload.Outcome` (files to commit, a comment to post):

- ``issue``: an issue form (``issueform`` reads it) becomes a merge request, through the scaffolding of
  ``govmedia new`` (``answers``);
- ``review``: a web review by the owner of a request's next stage becomes that stage's approval file
  (``settle`` writes what follows the last decision);
- ``gitlab``: the same two on a schedule, from GitLab's API;
- ``daily``: the full check, as one issue listing what needs action per unit.

``gitwork`` does the git (a scratch worktree, writes that never follow a symlink, one commit, a push),
``forge`` the REST calls, ``report`` the check and the Chinese comments. Validation stays in the rules:
every branch the bot writes is checked by the same engine as ``govmedia check``.
"""
