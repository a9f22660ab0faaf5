"""Errors the user reads: every one carries a Chinese message, shown as is."""


class UserError(Exception):
    """Bad input or a refused action. str(error) is the Chinese message for the user."""


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass


def user_message(exc: BaseException) -> str | None:
    """The Chinese line to show for an error the user can act on (bad input, a refused action,
    a damaged or newer file, a file the system would not read or write); None for a bug, which
    the caller logs and reports plainly. The CLI and the window both use it."""
    # imported here: the store sits below services and most callers never get this far
    from zkdesk.store.backup_file import BackupError
    from zkdesk.store.engine import DatabaseBusy, UnsupportedDatabase
    from zkdesk.store.migrate import DatabaseVersionError
    from zkdesk.store.postgres import ServerError
    from zkdesk.store.seed import CatalogError
    from zkdesk.store.transfer import TransferError

    if isinstance(exc, (UserError, DatabaseVersionError, CatalogError, BackupError, DatabaseBusy, ServerError,
                        UnsupportedDatabase, TransferError)):
        return str(exc)
    if isinstance(exc, OSError):
        return f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）"
    return None
