package jsonpointer

import "errors"

var (
	// ErrSyntax reports a malformed pointer.
	ErrSyntax = errors.New("jsonpointer: invalid pointer syntax")
	// ErrNotFound reports that the pointer names nothing in the document.
	ErrNotFound = errors.New("jsonpointer: value not found")
	// ErrIndex reports a malformed array index.
	ErrIndex = errors.New("jsonpointer: invalid array index")
)

// Parse splits a pointer into its unescaped reference tokens.
func Parse(pointer string) ([]string, error) {
	panic("not implemented")
}

// Format builds a pointer from reference tokens, escaping them.
func Format(tokens []string) string {
	panic("not implemented")
}

// Get returns the value the pointer names in doc.
func Get(doc any, pointer string) (any, error) {
	panic("not implemented")
}

// Set stores value at the location the pointer names and returns the new root.
func Set(doc any, pointer string, value any) (any, error) {
	panic("not implemented")
}
