class IniError(ValueError):
    """Raised for malformed INI input; ``line`` is the 1-based offending line."""

    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_ini(text: str, interpolate: bool = False) -> "dict[str, dict[str, str]]":
    raise NotImplementedError("implement parse_ini")
