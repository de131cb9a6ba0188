package intervalset

import "sort"

// Interval is the half-open range [Start, End): Start is included, End is not.
type Interval struct {
	Start, End int
}

// Set is a set of integers. The zero value is an empty set, ready to use.
type Set struct {
	ivs []Interval // canonical: sorted, non-empty, non-overlapping, non-touching
}

// Add adds every integer in [start, end).
func (s *Set) Add(start, end int) {
	if start >= end {
		return
	}
	// first range that touches or follows start: End >= start
	i := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].End >= start })
	// first range strictly after end: Start > end
	j := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].Start > end })
	if i < j {
		if s.ivs[i].Start < start {
			start = s.ivs[i].Start
		}
		if s.ivs[j-1].End > end {
			end = s.ivs[j-1].End
		}
	}
	merged := Interval{start, end}
	if i == j { // nothing to merge with: insert at i
		s.ivs = append(s.ivs, Interval{})
		copy(s.ivs[i+1:], s.ivs[i:])
		s.ivs[i] = merged
		return
	}
	s.ivs[i] = merged
	s.ivs = append(s.ivs[:i+1], s.ivs[j:]...)
}

// Remove removes every integer in [start, end).
func (s *Set) Remove(start, end int) {
	if start >= end {
		return
	}
	// ranges that overlap [start, end): End > start and Start < end
	i := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].End > start })
	j := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].Start >= end })
	if i >= j {
		return
	}
	var keep []Interval
	if s.ivs[i].Start < start {
		keep = append(keep, Interval{s.ivs[i].Start, start})
	}
	if s.ivs[j-1].End > end {
		keep = append(keep, Interval{end, s.ivs[j-1].End})
	}
	rest := append(keep, s.ivs[j:]...)
	s.ivs = append(s.ivs[:i], rest...)
}

// Contains reports whether x is in the set.
func (s *Set) Contains(x int) bool {
	i := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].End > x })
	return i < len(s.ivs) && s.ivs[i].Start <= x
}

// Size returns how many integers the set holds.
func (s *Set) Size() int {
	n := 0
	for _, iv := range s.ivs {
		n += iv.End - iv.Start
	}
	return n
}

// Intervals returns the set's canonical list of ranges.
func (s *Set) Intervals() []Interval {
	out := make([]Interval, len(s.ivs))
	copy(out, s.ivs)
	return out
}

// Gaps returns the parts of [start, end) that are not in the set.
func (s *Set) Gaps(start, end int) []Interval {
	out := []Interval{}
	if start >= end {
		return out
	}
	pos := start
	i := sort.Search(len(s.ivs), func(k int) bool { return s.ivs[k].End > start })
	for ; i < len(s.ivs) && s.ivs[i].Start < end; i++ {
		if s.ivs[i].Start > pos {
			out = append(out, Interval{pos, s.ivs[i].Start})
		}
		pos = s.ivs[i].End
	}
	if pos < end {
		out = append(out, Interval{pos, end})
	}
	return out
}

// Intersection returns a new set with the integers in both s and other.
func (s *Set) Intersection(other *Set) *Set {
	result := &Set{}
	a, b := s.ivs, other.ivs
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if lo < hi {
			result.ivs = append(result.ivs, Interval{lo, hi})
		}
		if a[i].End < b[j].End {
			i++
		} else {
			j++
		}
	}
	return result
}
