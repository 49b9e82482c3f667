"""The one error type users can cause (bad path, bad file, bad flag, AWS refusal).

The CLI catches it at the boundary and prints one line with exit code 2; anything else is a
programming error and is allowed to raise.
"""


class LambdascopeError(Exception):
    """A problem the user can fix; its message is shown as-is, on one line."""
