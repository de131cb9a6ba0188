package jsonpointer

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const sample = `{
	"store": {
		"books": [
			{"title": "Dune", "price": 9.5, "tags": ["sf", "classic"]},
			{"title": "Emma", "price": 4, "tags": []}
		],
		"open": true,
		"owner": null
	},
	"a/b": 1,
	"c%d": 2,
	"e^f": 3,
	"g|h": 4,
	"i\\j": 5,
	"k\"l": 6,
	" ": 7,
	"m~n": 8,
	"": {"": "empty key"},
	"~1": "tilde one",
	"Ünï": "unicode"
}`

func decode(t *testing.T, text string) any {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return doc
}

func TestParse(t *testing.T) {
	tests := []struct {
		pointer string
		want    []string
		err     error
	}{
		{"", []string{}, nil},
		{"/", []string{""}, nil},
		{"/a/b", []string{"a", "b"}, nil},
		{"/a//", []string{"a", "", ""}, nil},
		{"/a~1b", []string{"a/b"}, nil},
		{"/m~0n", []string{"m~n"}, nil},
		{"/~01", []string{"~1"}, nil},
		{"/~10", []string{"/0"}, nil},
		{"/~0~0~1~1", []string{"~~//"}, nil},
		{"/ü/😀", []string{"ü", "😀"}, nil},
		{"a", nil, ErrSyntax},
		{"#/a", nil, ErrSyntax},
		{"/a~", nil, ErrSyntax},
		{"/a~2", nil, ErrSyntax},
		{"/~a", nil, ErrSyntax},
		{"/ok/~", nil, ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.pointer, func(t *testing.T) {
			got, err := Parse(tc.pointer)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Parse(%q) error = %v, want %v", tc.pointer, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) unexpected error %v", tc.pointer, err)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
				t.Fatalf("Parse(%q) = %q, want %q", tc.pointer, got, tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name   string
		tokens []string
		want   string
	}{
		{"nil", nil, ""},
		{"empty", []string{}, ""},
		{"one empty token", []string{""}, "/"},
		{"plain", []string{"a", "0"}, "/a/0"},
		{"escapes", []string{"a/b", "m~n", "~1"}, "/a~1b/m~0n/~01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.tokens); got != tc.want {
				t.Fatalf("Format(%q) = %q, want %q", tc.tokens, got, tc.want)
			}
		})
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	tokens := []string{"", "~", "/", "~0", "~1", "a/~b", "😀", " ", "-"}
	for i := range tokens {
		t.Run(Format(tokens[:i+1]), func(t *testing.T) {
			got, err := Parse(Format(tokens[:i+1]))
			if err != nil || !reflect.DeepEqual(got, tokens[:i+1]) {
				t.Fatalf("round trip of %q gave %q, %v", tokens[:i+1], got, err)
			}
		})
	}
}

func TestGet(t *testing.T) {
	doc := decode(t, sample)
	tests := []struct {
		pointer string
		want    any
	}{
		{"/store/books/0/title", "Dune"},
		{"/store/books/1/price", 4.0},
		{"/store/books/0/tags/1", "classic"},
		{"/store/books/1/tags", []any{}},
		{"/store/open", true},
		{"/store/owner", nil},
		{"/a~1b", 1.0},
		{"/c%d", 2.0},
		{"/e^f", 3.0},
		{"/g|h", 4.0},
		{"/i\\j", 5.0},
		{"/k\"l", 6.0},
		{"/ ", 7.0},
		{"/m~0n", 8.0},
		{"/", map[string]any{"": "empty key"}},
		{"//", "empty key"},
		{"/~01", "tilde one"},
		{"/Ünï", "unicode"},
	}
	for _, tc := range tests {
		t.Run(tc.pointer, func(t *testing.T) {
			got, err := Get(doc, tc.pointer)
			if err != nil {
				t.Fatalf("Get(%q) error %v", tc.pointer, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Get(%q) = %#v, want %#v", tc.pointer, got, tc.want)
			}
		})
	}
}

func TestGetWholeDocument(t *testing.T) {
	doc := decode(t, sample)
	got, err := Get(doc, "")
	if err != nil || !reflect.DeepEqual(got, doc) {
		t.Fatalf("Get(doc, \"\") = %v, %v", got, err)
	}
	scalar, err := Get("just a string", "")
	if err != nil || scalar != "just a string" {
		t.Fatalf("Get on scalar root = %v, %v", scalar, err)
	}
}

func TestGetErrors(t *testing.T) {
	doc := decode(t, sample)
	tests := []struct {
		pointer string
		err     error
	}{
		{"store", ErrSyntax},
		{"/nope/~2", ErrSyntax},
		{"/store/books/9/~", ErrSyntax},
		{"/missing", ErrNotFound},
		{"/Store", ErrNotFound},
		{"/store/books/2", ErrNotFound},
		{"/store/books/-", ErrNotFound},
		{"/store/books/-/title", ErrNotFound},
		{"/store/books/99999999999999999999999", ErrNotFound},
		{"/store/books/0/title/x", ErrNotFound},
		{"/store/open/x", ErrNotFound},
		{"/store/owner/x", ErrNotFound},
		{"/store/books/01", ErrIndex},
		{"/store/books/-1", ErrIndex},
		{"/store/books/+1", ErrIndex},
		{"/store/books/ 1", ErrIndex},
		{"/store/books/1.0", ErrIndex},
		{"/store/books/", ErrIndex},
		{"/store/books/one", ErrIndex},
		{"/store/books/١", ErrIndex},
	}
	for _, tc := range tests {
		t.Run(tc.pointer, func(t *testing.T) {
			got, err := Get(doc, tc.pointer)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Get(%q) = %v, %v; want error %v", tc.pointer, got, err, tc.err)
			}
		})
	}
}

func TestGetTreatsOtherGoTypesAsScalars(t *testing.T) {
	doc := map[string]any{"typed": map[string]int{"x": 1}, "list": []string{"a"}}
	for _, p := range []string{"/typed/x", "/list/0"} {
		if _, err := Get(doc, p); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(%q) error = %v, want ErrNotFound", p, err)
		}
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		pointer string
		value   any
		want    string
	}{
		{"replace root", `{"a": 1}`, "", "x", `"x"`},
		{"add key", `{"a": 1}`, "/b", 2.0, `{"a": 1, "b": 2}`},
		{"replace key", `{"a": 1}`, "/a", []any{true}, `{"a": [true]}`},
		{"empty key", `{}`, "/", "e", `{"": "e"}`},
		{"escaped key", `{}`, "/x~1y~0z", 1.0, `{"x/y~z": 1}`},
		{"replace element", `[1, 2, 3]`, "/1", "two", `[1, "two", 3]`},
		{"append with dash at root", `[1]`, "/-", 2.0, `[1, 2]`},
		{"append with length", `[1]`, "/1", 2.0, `[1, 2]`},
		{"append to empty", `[]`, "/0", "first", `["first"]`},
		{"append nested in object", `{"a": {"list": [1]}}`, "/a/list/-", 2.0, `{"a": {"list": [1, 2]}}`},
		{"append nested in array", `[[1], [2]]`, "/1/-", 3.0, `[[1], [2, 3]]`},
		{"deep set", `{"a": [{"b": {}}]}`, "/a/0/b/c", nil, `{"a": [{"b": {"c": null}}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := decode(t, tc.doc)
			got, err := Set(doc, tc.pointer, tc.value)
			if err != nil {
				t.Fatalf("Set(%s, %q) error %v", tc.doc, tc.pointer, err)
			}
			want := decode(t, tc.want)
			if !reflect.DeepEqual(normalize(t, got), want) {
				t.Fatalf("Set(%s, %q, %v) = %#v, want %s", tc.doc, tc.pointer, tc.value, got, tc.want)
			}
		})
	}
}

func TestSetErrorsLeaveDocumentUnchanged(t *testing.T) {
	const original = `{"a": [1, 2], "s": "text", "o": {"k": 1}}`
	tests := []struct {
		pointer string
		err     error
	}{
		{"a", ErrSyntax},
		{"/o/~", ErrSyntax},
		{"/missing/x", ErrNotFound},
		{"/a/3", ErrNotFound},
		{"/a/-/x", ErrNotFound},
		{"/a/5/x", ErrNotFound},
		{"/s/x", ErrNotFound},
		{"/a/01", ErrIndex},
		{"/a/x", ErrIndex},
		{"/a/-1", ErrIndex},
	}
	for _, tc := range tests {
		t.Run(tc.pointer, func(t *testing.T) {
			doc := decode(t, original)
			_, err := Set(doc, tc.pointer, "v")
			if !errors.Is(err, tc.err) {
				t.Fatalf("Set(%q) error = %v, want %v", tc.pointer, err, tc.err)
			}
			if !reflect.DeepEqual(doc, decode(t, original)) {
				t.Fatalf("document changed after failed Set(%q): %v", tc.pointer, doc)
			}
		})
	}
}

func TestSetThenGet(t *testing.T) {
	doc := decode(t, `{"list": []}`)
	var err error
	for i := 0; i < 1000; i++ {
		if doc, err = Set(doc, "/list/-", map[string]any{"i": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Get(doc, "/list/999/i")
	if err != nil || got != 999.0 {
		t.Fatalf("Get after appends = %v, %v", got, err)
	}
	deep := strings.Repeat("/x", 500)
	var root any = map[string]any{}
	cur := root.(map[string]any)
	for i := 0; i < 499; i++ {
		next := map[string]any{}
		cur["x"] = next
		cur = next
	}
	if root, err = Set(root, deep, "bottom"); err != nil {
		t.Fatal(err)
	}
	if got, err := Get(root, deep); err != nil || got != "bottom" {
		t.Fatalf("deep Get = %v, %v", got, err)
	}
}

// normalize round-trips a value through JSON so that documents built by Set compare equal to
// freshly decoded ones.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return decode(t, string(b))
}
