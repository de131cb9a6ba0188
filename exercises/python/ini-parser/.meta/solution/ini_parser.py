class IniError(ValueError):
    """Raised for malformed INI input; ``line`` is the 1-based offending line."""

    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_ini(text: str, interpolate: bool = False) -> "dict[str, dict[str, str]]":
    sections: dict[str, dict[str, str]] = {}
    lines_of: dict[tuple[str, str], int] = {}
    current = ""
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line[0] == "[":
            if not line.endswith("]"):
                raise IniError("section header must end with ']'", number)
            name = line[1:-1].strip()
            if not name or "[" in name or "]" in name:
                raise IniError("invalid section name", number)
            current = name
            sections.setdefault(current, {})
            continue
        if "=" not in line:
            raise IniError("expected 'key = value'", number)
        key, value = line.split("=", 1)
        key = key.strip().lower()
        value = value.strip()
        if not key:
            raise IniError("empty key", number)
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        sections.setdefault(current, {})[key] = value
        lines_of[(current, key)] = number

    if not interpolate:
        return sections

    resolved: dict[tuple[str, str], str] = {}

    def expand(section: str, key: str, stack: tuple) -> str:
        ident = (section, key)
        if ident in resolved:
            return resolved[ident]
        line = lines_of[ident]
        if ident in stack:
            cycle = stack[stack.index(ident):]
            raise IniError(f"reference cycle through {section}:{key}", min(lines_of[m] for m in cycle))
        stack = stack + (ident,)
        value = sections[section][key]
        out = []
        i = 0
        while i < len(value):
            ch = value[i]
            if ch == "$" and value.startswith("$$", i):
                out.append("$")
                i += 2
            elif ch == "$" and value.startswith("${", i):
                end = value.find("}", i + 2)
                if end < 0:
                    raise IniError("unterminated '${'", line)
                ref = value[i + 2 : end]
                if ":" in ref:
                    ref_section, ref_key = ref.split(":", 1)
                else:
                    ref_section, ref_key = section, ref
                ref_key = ref_key.lower()
                if ref_section not in sections or ref_key not in sections[ref_section]:
                    raise IniError(f"unknown reference ${{{ref}}}", line)
                out.append(expand(ref_section, ref_key, stack))
                i = end + 1
            else:
                out.append(ch)
                i += 1
        result = "".join(out)
        resolved[ident] = result
        return result

    return {
        name: {key: expand(name, key, ()) for key in entries}
        for name, entries in sections.items()
    }
