"""The one error a user can cause: bad configuration, reported as one line naming key and value."""


class ConfigError(ValueError):
    """A user mistake in the configuration or a scenario file.

    `sim-run` prints ``str(error)`` as a single line and exits with code 2; it is never shown as a
    traceback.
    """

    def __init__(self, key: str, value: object, reason: str, source: str | None = None):
        self.key, self.value, self.reason, self.source = key, value, reason, source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}={value!r}: {reason}")

    def located(self, source: str | None) -> "ConfigError":
        """The same error, naming the file it comes from (when known)."""
        return ConfigError(self.key, self.value, self.reason, source) if source else self


# The exit codes of every command (``sim.cli``); a sweep's outcome maps to them too.
EXIT_OK = 0
EXIT_FAILED = 1  # runs failed, or the executor did
EXIT_USAGE = 2  # a user mistake: one line naming the key and the value
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
