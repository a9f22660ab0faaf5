"""Errors the user reads: every one carries a Chinese message, shown as is."""


class UserError(Exception):
    """Bad input or a refused action. str(error) is the Chinese message for the user."""


class PermissionDenied(UserError):
    pass


class NotFound(UserError):
    pass
