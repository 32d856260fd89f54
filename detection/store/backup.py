"""Backup and restore of a SQLite workspace: an online copy, optionally encrypted.

PostgreSQL is backed up with its own tools (``pg_dump``/``pg_restore``, docs/deploy.md,
*Backup and restore*); this module is for the embedded SQLite database.

Backup
------
:func:`backup_sqlite` copies the live database with SQLite's online backup API
(:meth:`sqlite3.Connection.backup`) in **one step**: the copy is one read transaction, so
it is one point in time, while the app keeps writing (WAL: readers do not block writers,
and a one-step backup never restarts because of them). The copy is switched to a rollback
journal so the backup is a single self-contained file, and the backup file is created
``0600`` before a byte is written and moved into place only when complete.

Encrypted backups
-----------------
With a passphrase the backup is encrypted with AES-256-GCM from ``cryptography`` (no
home-made cipher), in chunks, so a large database never needs to fit in memory. The key is
derived from the passphrase with scrypt (``n = 2**15, r = 8, p = 1``; the parameters are
in the header, so they can be raised later) and a random 16-byte salt. The file::

    header   b"OPSPORBK1"  (9 bytes: magic and format version)
             log2(n), r, p (3 bytes)
             salt          (16 bytes, random)
             nonce prefix  (7 bytes, random)
    chunks   AES-GCM(plaintext chunk of 1 MiB, the last one shorter or empty)
             = ciphertext || 16-byte tag, one after another

The nonce of chunk ``i`` is ``prefix || i (4 bytes, big-endian) || last (1 byte: 1 for the
final chunk, else 0)`` and every chunk authenticates the whole header as associated data
(the STREAM construction): a chunk changed, moved, dropped, or the file cut short or
extended is refused, and so is a changed header. A wrong passphrase fails on the first
chunk: :class:`~detection.errors.InputError`, before anything is restored. The plaintext
copy made while encrypting lives next to the live database (its 0700 folder), never in
the backup's destination, and is removed at once.

Restore
-------
:class:`RestoreStage` puts the backup (decrypted when needed) in a ``0600`` temporary file
next to the target and checks it (``PRAGMA integrity_check``, ``PRAGMA
foreign_key_check``, Opspor's tables). The caller then migrates and purges the staged copy
through the repository (its URL is :attr:`RestoreStage.url`) and calls
:meth:`RestoreStage.commit`, which disposes the cached engines, checkpoints and removes the
old database's ``-wal``/``-shm`` (a stale WAL must never be replayed onto the new file) and
atomically renames the staged file over the target. Anything that fails before
``commit`` leaves the target untouched and the staged file removed.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import struct
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy.engine import make_url

from detection.errors import InputError, WorkspaceError
from detection.files import FILE_MODE, private_dir
from detection.store import engine as store_engine

MAGIC = b"OPSPORBK1"
SQLITE_MAGIC = b"SQLite format 3\x00"
SALT_BYTES = 16
PREFIX_BYTES = 7
TAG_BYTES = 16
CHUNK = 1 << 20
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
HEADER_BYTES = len(MAGIC) + 3 + SALT_BYTES + PREFIX_BYTES
_MAX_CHUNKS = 2**32
#: How long a restore waits for other connections to the target before it refuses.
IN_USE_WAIT_S = 5.0

DOCS = "docs/deploy.md, section 'Backup and restore'"
#: Tables every Opspor database has (a restore refuses a file without them).
REQUIRED_TABLES = ("alembic_version", "users", "workspace")


# --------------------------------------------------------------------------- paths


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; :class:`InputError` for PostgreSQL and memory."""
    if not url.startswith("sqlite"):
        raise InputError(
            "opspor backup/restore copies a SQLite database; back up a PostgreSQL database "
            f"with pg_dump and restore it with pg_restore as the tables' owner ({DOCS})")
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        raise InputError("an in-memory database cannot be backed up or restored")
    return Path(path)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal")]


def _private_temp(folder: Path, stem: str, what: str) -> Path:
    """A new empty file ``folder/.stem.what-XXXX``, mode 0600 from its creation."""
    private_dir(folder)
    for _ in range(100):
        path = folder / f".{stem}.{what}-{secrets.token_hex(6)}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            continue
        os.fchmod(fd, FILE_MODE)
        os.close(fd)
        return path
    raise OSError(f"cannot create a temporary file in {folder}")


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        p.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: Path, dst: Path) -> None:
    """Rename ``src`` over ``dst`` atomically, durably (file and folder synced)."""
    _fsync(src)
    os.replace(src, dst)
    try:
        _fsync(dst.parent)
    except OSError:  # some file systems can't fsync a folder
        pass


# --------------------------------------------------------------------------- SQLite


def _connect(path: Path, *, must_exist: bool = True) -> sqlite3.Connection:
    mode = "rw" if must_exist else "rwc"
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, isolation_level=None,
                           timeout=store_engine.BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={store_engine.BUSY_TIMEOUT_MS}")
    return conn


def table_counts(path: str | Path) -> dict[str, int]:
    """Rows per table of the SQLite database at ``path`` (SQLite's own tables left out)."""
    conn = _connect(Path(path))
    try:
        with conn:
            conn.execute("BEGIN")  # one snapshot for all the counts
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
            out = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
            conn.execute("COMMIT")
        return out
    finally:
        conn.close()


def check_database(path: Path) -> None:
    """:class:`InputError` unless ``path`` is an intact Opspor SQLite database."""
    try:
        with path.open("rb") as f:
            if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise InputError("the backup is neither an Opspor backup nor a SQLite database")
        conn = _connect(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise InputError("the backup is damaged (PRAGMA integrity_check: "
                                 + "; ".join(map(str, result[:5])) + "); nothing was restored")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({r[0] for r in broken})
                raise InputError(f"the backup has {len(broken)} rows whose references are missing "
                                 f"(tables {', '.join(tables)}); nothing was restored")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise InputError(f"the backup is not a usable SQLite database ({error}); "
                         "nothing was restored") from error
    missing = [n for n in REQUIRED_TABLES if n not in names]
    if missing:
        raise InputError(f"the backup is not an Opspor database (no table {', '.join(missing)}); "
                         "nothing was restored")


def _online_copy(src_path: Path, dst_path: Path) -> None:
    """Copy the live database into ``dst_path`` in one step of the online backup API."""
    try:
        src = _connect(src_path)
    except sqlite3.OperationalError as error:
        raise InputError(f"cannot open the database {src_path} ({error})") from error
    try:
        dst = _connect(dst_path, must_exist=False)
        try:
            src.backup(dst, pages=-1)  # all pages in one step: one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    for p in _sidecars(dst_path):
        p.unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    """Write back and end ``path``'s WAL; leave the file in rollback-journal mode."""
    conn = _connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


# --------------------------------------------------------------------------- encryption


def is_encrypted(path: str | Path) -> bool:
    """True when ``path`` starts like an encrypted Opspor backup."""
    with Path(path).open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise InputError("the backup passphrase is empty")
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= _MAX_CHUNKS:
        raise InputError("the file is too large for this backup format")
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def _chunks(f: IO[bytes], size: int):
    """``(chunk, is_last)`` for the whole stream (one empty chunk for an empty stream)."""
    cur = f.read(size)
    while True:
        nxt = f.read(size)
        yield cur, not nxt
        if not nxt:
            return
        cur = nxt


def encrypt_stream(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    """Write ``src`` to ``dst`` as an encrypted backup (format in the module's docstring)."""
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
    header = MAGIC + bytes([SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt + prefix
    aead = AESGCM(_key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
    dst.write(header)
    for i, (chunk, last) in enumerate(_chunks(src, CHUNK)):
        dst.write(aead.encrypt(_nonce(prefix, i, last), chunk, header))


def decrypt_stream(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    """Write the plaintext of the encrypted backup ``src`` to ``dst``.

    :class:`InputError` for a wrong passphrase (the first chunk does not authenticate) or a
    damaged, truncated or extended file; ``dst`` then holds an incomplete plaintext that
    the caller throws away.
    """
    header = src.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise InputError("the file is not an encrypted Opspor backup")
    log2_n, r, p = header[len(MAGIC):len(MAGIC) + 3]
    if not (10 <= log2_n <= 24 and 1 <= r <= 32 and 1 <= p <= 16):
        raise InputError("the backup's header is damaged (key parameters out of range)")
    salt = header[len(MAGIC) + 3:len(MAGIC) + 3 + SALT_BYTES]
    prefix = header[-PREFIX_BYTES:]
    aead = AESGCM(_key(passphrase, salt, log2_n, r, p))
    for i, (chunk, last) in enumerate(_chunks(src, CHUNK + TAG_BYTES)):
        try:
            dst.write(aead.decrypt(_nonce(prefix, i, last), chunk, header))
        except InvalidTag as error:
            if i == 0:
                raise InputError("wrong passphrase for this backup (or the file is damaged); "
                                 "nothing was restored") from error
            raise InputError(f"the backup is damaged or incomplete (chunk {i + 1} does not "
                             "authenticate); nothing was restored") from error


# --------------------------------------------------------------------------- backup


def backup_sqlite(db_path: str | Path, dest: str | Path, *, passphrase: str | None = None) -> dict:
    """Back the live SQLite database ``db_path`` up into ``dest`` (0600), while it is in use.

    Returns ``{"backup": dest, "bytes": size, "encrypted": bool, "tables": {table: rows}}``
    (the row counts of the copy, i.e. of the point in time the backup holds). ``dest`` is
    replaced only when the backup is complete.
    """
    db_path, dest = Path(db_path), Path(dest).expanduser().absolute()
    if not db_path.is_file():
        raise InputError(f"there is no database at {db_path}")
    if dest.resolve() in {db_path.resolve(), *(p.resolve() for p in _sidecars(db_path))}:
        raise InputError("the backup file must not be the database itself")
    private_dir(dest.parent)
    # The plaintext copy of an encrypted backup stays in the database's own folder.
    plain = _private_temp(db_path.parent if passphrase else dest.parent, dest.name, "backup")
    out: Path | None = None
    try:
        _online_copy(db_path, plain)
        tables = table_counts(plain)
        if passphrase:
            out = _private_temp(dest.parent, dest.name, "encrypt")
            with plain.open("rb") as src, out.open("r+b") as dst:
                encrypt_stream(src, dst, passphrase)
            _replace(out, dest)
            out = None
        else:
            _replace(plain, dest)
        return {"backup": str(dest), "bytes": dest.stat().st_size, "encrypted": bool(passphrase),
                "tables": tables}
    finally:
        _remove(plain)
        if out is not None:
            out.unlink(missing_ok=True)


# --------------------------------------------------------------------------- restore


class RestoreStage:
    """A backup staged next to its target, checked, waiting for :meth:`commit`.

    ::

        with RestoreStage(backup, target, passphrase=pw) as stage:
            ...  # migrate and purge stage.url through the repository
            stage.commit()
        # leaving the block without commit() removes the staged copy; the target is untouched
    """

    def __init__(self, backup: str | Path, target: str | Path, *,
                 passphrase: str | None = None) -> None:
        self.backup = Path(backup).expanduser()
        self.target = Path(target)
        self.passphrase = passphrase
        self.encrypted = False
        self.path: Path | None = None
        self.committed = False

    @property
    def url(self) -> str:
        """The staged copy's SQLite URL (open it with the repository before committing)."""
        if self.path is None:
            raise RuntimeError("the restore is not staged")
        return f"sqlite:///{self.path}"

    def __enter__(self) -> RestoreStage:
        if not self.backup.is_file():
            raise InputError(f"there is no backup file at {self.backup}")
        self.encrypted = is_encrypted(self.backup)
        if self.encrypted and not self.passphrase:
            raise InputError("the backup is encrypted: give its passphrase with --passphrase-stdin "
                             "(or OPSPOR_BACKUP_PASSPHRASE)")
        self.path = _private_temp(self.target.parent, self.target.name, "restore")
        try:
            with self.backup.open("rb") as src, self.path.open("r+b") as dst:
                if self.encrypted:
                    decrypt_stream(src, dst, self.passphrase or "")
                else:
                    _copy(src, dst)
            check_database(self.path)
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            self._discard()

    def _discard(self) -> None:
        if self.path is not None:
            store_engine.dispose_engine(self.url)
            _remove(self.path)

    def commit(self) -> None:
        """Replace the target with the staged copy (atomically; old ``-wal``/``-shm`` gone).

        Every cached engine of this process is disposed first. A target still open in
        another process (the app, another command) is refused with
        :class:`~detection.errors.WorkspaceError` and left as it is: stop the app first
        (docs/deploy.md).
        """
        if self.path is None or self.committed:
            raise RuntimeError("nothing staged to commit")
        store_engine.dispose_engines()
        _checkpoint(self.path)
        for p in _sidecars(self.path):
            p.unlink(missing_ok=True)
        if self.target.exists():
            _release(self.target)
        for p in _sidecars(self.target):
            p.unlink(missing_ok=True)
        _replace(self.path, self.target)
        self.committed = True


def _release(target: Path) -> None:
    """Write the target's WAL back and end it, or refuse when another process has it open.

    Leaving WAL mode needs the only connection to the database, so it fails with "database
    is locked" while the app holds one. A damaged target is simply replaced.
    """
    try:
        conn = sqlite3.connect(f"file:{quote(str(target))}?mode=rw", uri=True, isolation_level=None,
                               timeout=IN_USE_WAIT_S)
    except sqlite3.DatabaseError:
        return
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise WorkspaceError(
                f"the database {target} is open in another process (the app, or another "
                "opspor command); stop the app (e.g. `systemctl stop opspor`) and restore "
                "again. Nothing was restored") from error
        return
    except sqlite3.DatabaseError:
        return  # not a database any more: replaced below
    finally:
        conn.close()
    if str(mode).lower() == "wal":
        raise WorkspaceError(f"the database {target} is still in use; stop the app and "
                             "restore again. Nothing was restored")


def _copy(src: BinaryIO, dst: BinaryIO) -> None:
    while block := src.read(CHUNK):
        dst.write(block)
