package jsonpointer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

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
	if pointer == "" {
		return []string{}, nil
	}
	if pointer[0] != '/' {
		return nil, fmt.Errorf("%w: %q does not start with '/'", ErrSyntax, pointer)
	}
	parts := strings.Split(pointer[1:], "/")
	tokens := make([]string, len(parts))
	for i, part := range parts {
		var b strings.Builder
		for j := 0; j < len(part); j++ {
			if part[j] != '~' {
				b.WriteByte(part[j])
				continue
			}
			if j+1 >= len(part) || (part[j+1] != '0' && part[j+1] != '1') {
				return nil, fmt.Errorf("%w: bad escape in %q", ErrSyntax, part)
			}
			if part[j+1] == '0' {
				b.WriteByte('~')
			} else {
				b.WriteByte('/')
			}
			j++
		}
		tokens[i] = b.String()
	}
	return tokens, nil
}

// Format builds a pointer from reference tokens, escaping them.
func Format(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// arrayIndex interprets token as an index into an array of length n. "-" gives n (one past
// the end), a well-formed index too large for an int gives n+1, a malformed token an error.
func arrayIndex(token string, n int) (int, error) {
	if token == "-" {
		return n, nil
	}
	if token == "" || (len(token) > 1 && token[0] == '0') {
		return 0, fmt.Errorf("%w: %q", ErrIndex, token)
	}
	for i := 0; i < len(token); i++ {
		if token[i] < '0' || token[i] > '9' {
			return 0, fmt.Errorf("%w: %q", ErrIndex, token)
		}
	}
	idx, err := strconv.Atoi(token)
	if err != nil { // too large for int: certainly out of range
		return n + 1, nil
	}
	return idx, nil
}

func step(current any, token string) (any, error) {
	switch v := current.(type) {
	case map[string]any:
		child, ok := v[token]
		if !ok {
			return nil, fmt.Errorf("%w: key %q", ErrNotFound, token)
		}
		return child, nil
	case []any:
		idx, err := arrayIndex(token, len(v))
		if err != nil {
			return nil, err
		}
		if idx >= len(v) {
			return nil, fmt.Errorf("%w: index %q out of range", ErrNotFound, token)
		}
		return v[idx], nil
	default:
		return nil, fmt.Errorf("%w: cannot descend into %T", ErrNotFound, current)
	}
}

// Get returns the value the pointer names in doc.
func Get(doc any, pointer string) (any, error) {
	tokens, err := Parse(pointer)
	if err != nil {
		return nil, err
	}
	current := doc
	for _, token := range tokens {
		if current, err = step(current, token); err != nil {
			return nil, err
		}
	}
	return current, nil
}

// Set stores value at the location the pointer names and returns the new root.
func Set(doc any, pointer string, value any) (any, error) {
	tokens, err := Parse(pointer)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return value, nil
	}
	// path[i] is the value reached after i tokens.
	path := make([]any, len(tokens))
	path[0] = doc
	for i := 0; i < len(tokens)-1; i++ {
		if path[i+1], err = step(path[i], tokens[i]); err != nil {
			return nil, err
		}
	}
	last := tokens[len(tokens)-1]
	var updated any
	switch parent := path[len(path)-1].(type) {
	case map[string]any:
		parent[last] = value
		return doc, nil
	case []any:
		idx, err := arrayIndex(last, len(parent))
		if err != nil {
			return nil, err
		}
		switch {
		case idx < len(parent):
			parent[idx] = value
			return doc, nil
		case idx == len(parent):
			updated = append(parent, value)
		default:
			return nil, fmt.Errorf("%w: index %q out of range", ErrNotFound, last)
		}
	default:
		return nil, fmt.Errorf("%w: cannot set inside %T", ErrNotFound, parent)
	}
	// The parent slice grew: store it back into its own parent (or return it as the root).
	level := len(path) - 1
	if level == 0 {
		return updated, nil
	}
	switch grand := path[level-1].(type) {
	case map[string]any:
		grand[tokens[level-1]] = updated
	case []any:
		idx, _ := arrayIndex(tokens[level-1], len(grand))
		grand[idx] = updated
	}
	return doc, nil
}
