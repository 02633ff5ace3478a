"""checks/files.read_regular: a regular file only, whole, bounded, in as few reads as it takes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmedia.dialect.files import NotRegular, TooLarge, read_regular, regular_chunks


@pytest.mark.parametrize("size", [0, 1, 511, 512, 65_535, 65_536, 200_000])
def test_whole_file(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f"
    path.write_bytes(data)
    assert read_regular(str(path)) == data
    assert read_regular(str(path), size) == data
    assert b"".join(regular_chunks(str(path), 4096)) == data


def test_over_the_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"y" * 101)
    with pytest.raises(TooLarge) as caught:
        read_regular(str(path), 100)
    assert caught.value.size == 101


def test_a_file_whose_size_says_zero_is_read_to_its_end() -> None:
    """/proc files are regular files of size 0: the first read finds more, and reading goes on to the end."""
    status = read_regular("/proc/self/status")
    assert status.startswith(b"Name:") and b"VmRSS" in status
    with pytest.raises(TooLarge):
        read_regular("/proc/self/status", 10)


def test_links_fifos_and_folders_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"a: 1\n")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError):
        read_regular(str(tmp_path / "link"))
    with pytest.raises(NotRegular):
        read_regular(str(tmp_path / "fifo"))  # would wait for a writer forever if it were opened blocking
    with pytest.raises(NotRegular):
        read_regular(str(tmp_path))
