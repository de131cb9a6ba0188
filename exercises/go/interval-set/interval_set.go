package intervalset

// Interval is the half-open range [Start, End): Start is included, End is not.
type Interval struct {
	Start, End int
}

// Set is a set of integers. The zero value is an empty set, ready to use.
type Set struct {
	// add your fields here
}

// Add adds every integer in [start, end).
func (s *Set) Add(start, end int) {
	panic("not implemented")
}

// Remove removes every integer in [start, end).
func (s *Set) Remove(start, end int) {
	panic("not implemented")
}

// Contains reports whether x is in the set.
func (s *Set) Contains(x int) bool {
	panic("not implemented")
}

// Size returns how many integers the set holds.
func (s *Set) Size() int {
	panic("not implemented")
}

// Intervals returns the set's canonical list of ranges.
func (s *Set) Intervals() []Interval {
	panic("not implemented")
}

// Gaps returns the parts of [start, end) that are not in the set.
func (s *Set) Gaps(start, end int) []Interval {
	panic("not implemented")
}

// Intersection returns a new set with the integers in both s and other.
func (s *Set) Intersection(other *Set) *Set {
	panic("not implemented")
}
