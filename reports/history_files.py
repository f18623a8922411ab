"""Where the history's CSV files come from: a directory (the command), a zip file or several
uploaded files (the upload page). Each is known by its name (docs/import.md)."""

import io
import zipfile
from pathlib import Path, PurePosixPath

from reports.history_format import FILES, MAX_BYTES, HistoryRefused, Problem

MAX_FILES = 10


def files_in_directory(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in FILES if (directory / name).is_file()}


def _refused(name: str, message: str) -> HistoryRefused:
    return HistoryRefused([Problem(name, 0, "", message)])


def files_in_zip(data: bytes, zip_name: str) -> dict[str, bytes]:
    """The CSV files of a zip, by name (folders inside it do not matter). A member too large
    is refused before it is unpacked: a small zip can hold a huge file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refused(zip_name, "not a zip file that can be opened") from None
    files: dict[str, bytes] = {}
    for member in archive.infolist():
        name = PurePosixPath(member.filename).name
        if member.is_dir() or name.startswith(".") or not name.lower().endswith(".csv"):
            continue
        if name in files:
            raise _refused(zip_name, f"{name} is in the zip twice")
        if member.file_size > MAX_BYTES:
            raise _refused(name, f"the file is larger than {MAX_BYTES // 2**20} MB")
        files[name] = archive.read(member)
    if not files:
        raise _refused(zip_name, "the zip holds no CSV files")
    return files


def files_uploaded(uploads) -> dict[str, bytes]:
    """Uploaded files: CSV files by their names, or one zip holding them."""
    if len(uploads) > MAX_FILES:
        raise _refused("", f"at most {MAX_FILES} files at once")
    files: dict[str, bytes] = {}
    for upload in uploads:
        name = PurePosixPath(upload.name).name
        if upload.size > MAX_BYTES:
            raise _refused(name, f"the file is larger than {MAX_BYTES // 2**20} MB")
        data = upload.read()
        found = files_in_zip(data, name) if name.lower().endswith(".zip") else {name: data}
        for each, content in found.items():
            if each in files:
                raise _refused(each, "given twice")
            files[each] = content
    return files
