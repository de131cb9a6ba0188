import pytest

from ini_parser import IniError, parse_ini


def test_empty_input():
    assert parse_ini("") == {}
    assert parse_ini("\n  \n\t\n") == {}


def test_sections_and_keys():
    text = "[server]\nhost = example.org\nport=8080\n\n[client]\nretries = 3\n"
    assert parse_ini(text) == {
        "server": {"host": "example.org", "port": "8080"},
        "client": {"retries": "3"},
    }


def test_section_order_follows_first_appearance():
    text = "[b]\nx=1\n[a]\ny=2\n[b]\nz=3\n[c]\n"
    result = parse_ini(text)
    assert list(result) == ["b", "a", "c"]
    assert result["b"] == {"x": "1", "z": "3"}
    assert result["c"] == {}


def test_keys_before_first_section_go_to_empty_section():
    assert parse_ini("name = demo\n[s]\nk = v") == {"": {"name": "demo"}, "s": {"k": "v"}}
    assert "" not in parse_ini("; only a comment\n[s]\nk = v")


def test_comments_are_whole_lines_only():
    text = "  ; comment\n# another\n[s]\nurl = http://x/#top\nnote = a ; b\n"
    assert parse_ini(text) == {"s": {"url": "http://x/#top", "note": "a ; b"}}


def test_whitespace_and_crlf():
    text = "[ main ]\r\n\t Key  =   some value  \r\nempty =\r\n"
    assert parse_ini(text) == {"main": {"key": "some value", "empty": ""}}


def test_keys_are_lowercased_and_last_value_wins():
    text = "[s]\nName = first\nNAME = second\n"
    assert parse_ini(text) == {"s": {"name": "second"}}


def test_section_names_are_case_sensitive():
    assert parse_ini("[A]\nk=1\n[a]\nk=2") == {"A": {"k": "1"}, "a": {"k": "2"}}


def test_value_splits_on_first_equals_sign():
    assert parse_ini("[s]\nexpr = a=b==c") == {"s": {"expr": "a=b==c"}}


def test_quoted_values():
    text = '[s]\npadded = "  two spaces  "\nempty = ""\none = "\nhalf = "abc\ninner = say "hi"\nboth = "a" "b"\n'
    assert parse_ini(text) == {
        "s": {
            "padded": "  two spaces  ",
            "empty": "",
            "one": '"',
            "half": '"abc',
            "inner": 'say "hi"',
            "both": 'a" "b',
        }
    }


def test_unicode_content():
    text = "[café]\nGRÜSSE = héllo wörld ✓\n"
    assert parse_ini(text) == {"café": {"grüsse": "héllo wörld ✓"}}


@pytest.mark.parametrize(
    "text, line",
    [
        ("[]", 1),
        ("[s]\n[   ]", 2),
        ("[a] extra", 1),
        ("\n\n[a]]", 3),
        ("[a", 1),
        ("[s]\nno equals sign here", 2),
        ("[s]\nk=v\n = value", 3),
        ("[a[b]]", 1),
    ],
)
def test_syntax_errors_report_line(text, line):
    with pytest.raises(IniError) as info:
        parse_ini(text)
    assert info.value.line == line
    assert isinstance(info.value, ValueError)


def test_interpolation_disabled_by_default():
    assert parse_ini("[s]\na = 1\nb = ${a}") == {"s": {"a": "1", "b": "${a}"}}


def test_interpolation_same_section_other_section_and_global():
    text = (
        "name = demo\n"
        "[server]\n"
        "Host = example.org\n"
        "port=8080\n"
        "url = http://${host}:${PORT}/${:name}\n"
        "[client]\n"
        "target = ${server:url}?x=1\n"
    )
    result = parse_ini(text, interpolate=True)
    assert result["server"]["url"] == "http://example.org:8080/demo"
    assert result["client"]["target"] == "http://example.org:8080/demo?x=1"
    assert result[""] == {"name": "demo"}


def test_interpolation_is_recursive_and_order_independent():
    text = "[p]\nc = ${b}/c\nb = ${a}/b\na = /root\n"
    assert parse_ini(text, interpolate=True) == {"p": {"c": "/root/b/c", "b": "/root/b", "a": "/root"}}


def test_dollar_escapes():
    text = '[s]\nprice = $$5 and $x and ${cur}$\ncur = " EUR"\n'
    assert parse_ini(text, interpolate=True)["s"]["price"] == "$5 and $x and  EUR$"


def test_section_name_with_colon_in_key_part():
    text = "[a]\nk = ${b:x:y}\n[b]\nx:y = found\n"
    assert parse_ini(text, interpolate=True)["a"]["k"] == "found"


@pytest.mark.parametrize(
    "text, line",
    [
        ("[s]\na = ${missing}", 2),
        ("[s]\na = ${nosection:a}", 2),
        ("[s]\n\na = ${b", 3),
        ("[s]\na = ${a}", 2),
        ("[s]\na = 1\nb = x${c}\nc = ${b}", 3),
        ("[s]\nb = old\na = ${b}\nb = ${a}", 3),
        ("[s]\nx = ${a}\na = ${b}\nb = ${a}", 3),
        ("[s]\nb = ${c}\nc = ${d}\nd = ${c}", 3),
        ("[s]\na = ${b}\nb = ${missing}", 3),
        ("[a]\nx = ${b:y}\n[b]\ny = ${a:x}", 2),
        ("k = 1\n[s]\nv = ${k}", 3),
    ],
)
def test_interpolation_errors(text, line):
    with pytest.raises(IniError) as info:
        parse_ini(text, interpolate=True)
    assert info.value.line == line


def test_large_file():
    lines = []
    for s in range(200):
        lines.append(f"[section{s}]")
        for k in range(50):
            lines.append(f"key{k} = value {s}.{k}")
    result = parse_ini("\n".join(lines))
    assert len(result) == 200
    assert result["section199"]["key49"] == "value 199.49"
