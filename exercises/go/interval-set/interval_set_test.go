package intervalset

import (
	"math/rand"
	"reflect"
	"testing"
)

type op struct {
	add        bool
	start, end int
}

func build(ops []op) *Set {
	s := &Set{}
	for _, o := range ops {
		if o.add {
			s.Add(o.start, o.end)
		} else {
			s.Remove(o.start, o.end)
		}
	}
	return s
}

func add(start, end int) op    { return op{true, start, end} }
func remove(start, end int) op { return op{false, start, end} }

func sameIntervals(got, want []Interval) bool {
	if len(got) == 0 && len(want) == 0 {
		return true
	}
	return reflect.DeepEqual(got, want)
}

func TestZeroValue(t *testing.T) {
	var s Set
	if got := s.Intervals(); len(got) != 0 {
		t.Fatalf("Intervals() = %v, want empty", got)
	}
	if s.Size() != 0 || s.Contains(0) {
		t.Fatal("zero Set is not empty")
	}
	if got := s.Gaps(3, 7); !sameIntervals(got, []Interval{{3, 7}}) {
		t.Fatalf("Gaps(3, 7) = %v", got)
	}
}

func TestIntervals(t *testing.T) {
	tests := []struct {
		name string
		ops  []op
		want []Interval
	}{
		{"single", []op{add(1, 4)}, []Interval{{1, 4}}},
		{"empty range ignored", []op{add(3, 3), add(5, 2)}, nil},
		{"sorted output", []op{add(10, 12), add(1, 2), add(5, 7)}, []Interval{{1, 2}, {5, 7}, {10, 12}}},
		{"overlap merges", []op{add(1, 5), add(3, 8)}, []Interval{{1, 8}}},
		{"touching merges", []op{add(1, 3), add(3, 5)}, []Interval{{1, 5}}},
		{"touching on the left merges", []op{add(3, 5), add(1, 3)}, []Interval{{1, 5}}},
		{"gap of one stays apart", []op{add(1, 3), add(4, 6)}, []Interval{{1, 3}, {4, 6}}},
		{"contained add changes nothing", []op{add(1, 10), add(3, 4)}, []Interval{{1, 10}}},
		{"bridge several", []op{add(1, 2), add(4, 5), add(7, 8), add(10, 11), add(2, 10)}, []Interval{{1, 11}}},
		{"negative numbers", []op{add(-10, -5), add(-5, 0), add(2, 3)}, []Interval{{-10, 0}, {2, 3}}},
		{"remove middle splits", []op{add(0, 10), remove(3, 6)}, []Interval{{0, 3}, {6, 10}}},
		{"remove left edge", []op{add(0, 10), remove(-5, 2)}, []Interval{{2, 10}}},
		{"remove right edge", []op{add(0, 10), remove(8, 20)}, []Interval{{0, 8}}},
		{"remove exact", []op{add(0, 10), remove(0, 10)}, nil},
		{"remove across ranges", []op{add(0, 3), add(5, 8), add(10, 13), remove(2, 11)}, []Interval{{0, 2}, {11, 13}}},
		{"remove in gap", []op{add(0, 3), add(5, 8), remove(3, 5)}, []Interval{{0, 3}, {5, 8}}},
		{"remove empty range", []op{add(0, 3), remove(2, 1), remove(1, 1)}, []Interval{{0, 3}}},
		{"remove from empty set", []op{remove(0, 100)}, nil},
		{"add after remove heals", []op{add(0, 10), remove(4, 5), add(4, 5)}, []Interval{{0, 10}}},
		{"huge endpoints", []op{add(-1<<40, 0), add(0, 1<<40)}, []Interval{{-1 << 40, 1 << 40}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := build(tc.ops)
			if got := s.Intervals(); !sameIntervals(got, tc.want) {
				t.Fatalf("Intervals() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestContains(t *testing.T) {
	s := build([]op{add(-3, 0), add(5, 8), add(10, 11)})
	tests := []struct {
		x    int
		want bool
	}{
		{-4, false}, {-3, true}, {-1, true}, {0, false}, {4, false}, {5, true},
		{7, true}, {8, false}, {9, false}, {10, true}, {11, false}, {1 << 40, false},
	}
	for _, tc := range tests {
		if got := s.Contains(tc.x); got != tc.want {
			t.Errorf("Contains(%d) = %v, want %v", tc.x, got, tc.want)
		}
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		name string
		ops  []op
		want int
	}{
		{"empty", nil, 0},
		{"one", []op{add(1, 4)}, 3},
		{"overlapping counted once", []op{add(1, 4), add(2, 6)}, 5},
		{"after split", []op{add(0, 10), remove(3, 6)}, 7},
		{"large", []op{add(-1<<40, 1<<40)}, 1 << 41},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := build(tc.ops).Size(); got != tc.want {
				t.Fatalf("Size() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestGaps(t *testing.T) {
	s := build([]op{add(1, 3), add(5, 8)})
	tests := []struct {
		start, end int
		want       []Interval
	}{
		{0, 10, []Interval{{0, 1}, {3, 5}, {8, 10}}},
		{1, 8, []Interval{{3, 5}}},
		{2, 6, []Interval{{3, 5}}},
		{1, 3, nil},
		{5, 6, nil},
		{3, 5, []Interval{{3, 5}}},
		{8, 9, []Interval{{8, 9}}},
		{-5, 0, []Interval{{-5, 0}}},
		{4, 4, nil},
		{9, 2, nil},
	}
	for _, tc := range tests {
		got := s.Gaps(tc.start, tc.end)
		if !sameIntervals(got, tc.want) {
			t.Errorf("Gaps(%d, %d) = %#v, want %v", tc.start, tc.end, got, tc.want)
		}
	}
}

func TestIntersection(t *testing.T) {
	tests := []struct {
		name string
		a, b []op
		want []Interval
	}{
		{"disjoint", []op{add(0, 5)}, []op{add(5, 10)}, nil},
		{"overlap", []op{add(0, 5)}, []op{add(3, 10)}, []Interval{{3, 5}}},
		{"many pieces", []op{add(0, 10), add(20, 30)}, []op{add(5, 25), add(28, 40)}, []Interval{{5, 10}, {20, 25}, {28, 30}}},
		{"with empty", []op{add(0, 10)}, nil, nil},
		{"nested", []op{add(0, 100)}, []op{add(10, 20), add(30, 40)}, []Interval{{10, 20}, {30, 40}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := build(tc.a), build(tc.b)
			beforeA, beforeB := a.Intervals(), b.Intervals()
			got := a.Intersection(b)
			if !sameIntervals(got.Intervals(), tc.want) {
				t.Fatalf("Intersection = %v, want %v", got.Intervals(), tc.want)
			}
			if !sameIntervals(b.Intersection(a).Intervals(), tc.want) {
				t.Fatalf("Intersection is not symmetric")
			}
			if !sameIntervals(a.Intervals(), beforeA) || !sameIntervals(b.Intervals(), beforeB) {
				t.Fatalf("inputs changed")
			}
			got.Add(-1000, 1000)
			if !sameIntervals(a.Intervals(), beforeA) {
				t.Fatalf("result shares storage with an input")
			}
		})
	}
	s := build([]op{add(1, 4), add(6, 9)})
	if got := s.Intersection(s).Intervals(); !sameIntervals(got, []Interval{{1, 4}, {6, 9}}) {
		t.Fatalf("self intersection = %v", got)
	}
}

func TestIntervalsReturnsACopy(t *testing.T) {
	s := build([]op{add(1, 4), add(6, 9)})
	got := s.Intervals()
	got[0].Start = -100
	got = append(got[:1], Interval{50, 60})
	_ = got
	if want := []Interval{{1, 4}, {6, 9}}; !sameIntervals(s.Intervals(), want) {
		t.Fatalf("set changed through returned slice: %v", s.Intervals())
	}
}

// TestAgainstModel compares random operations with a simple boolean array.
func TestAgainstModel(t *testing.T) {
	const universe = 120
	rng := rand.New(rand.NewSource(20240507))
	for round := 0; round < 40; round++ {
		var s Set
		var model [universe]bool
		for step := 0; step < 60; step++ {
			a, b := rng.Intn(universe+1), rng.Intn(universe+1)
			if rng.Intn(3) == 0 {
				a, b = b, a // sometimes an empty or reversed range
			}
			isAdd := rng.Intn(5) < 3
			if isAdd {
				s.Add(a, b)
			} else {
				s.Remove(a, b)
			}
			for x := a; x < b; x++ {
				model[x] = isAdd
			}
			var want []Interval
			size := 0
			for x := 0; x < universe; x++ {
				if !model[x] {
					continue
				}
				size++
				if n := len(want); n > 0 && want[n-1].End == x {
					want[n-1].End = x + 1
				} else {
					want = append(want, Interval{x, x + 1})
				}
			}
			if got := s.Intervals(); !sameIntervals(got, want) {
				t.Fatalf("round %d step %d: Intervals() = %v, want %v", round, step, got, want)
			}
			if s.Size() != size {
				t.Fatalf("round %d step %d: Size() = %d, want %d", round, step, s.Size(), size)
			}
			x := rng.Intn(universe)
			if s.Contains(x) != model[x] {
				t.Fatalf("round %d step %d: Contains(%d) = %v", round, step, x, s.Contains(x))
			}
		}
	}
}

func TestManyRanges(t *testing.T) {
	const n = 20000
	rng := rand.New(rand.NewSource(7))
	order := rng.Perm(n)
	var s Set
	for _, k := range order {
		s.Add(k*10, k*10+5)
	}
	if got := len(s.Intervals()); got != n {
		t.Fatalf("%d intervals, want %d", got, n)
	}
	for q := 0; q < 200000; q++ {
		x := rng.Intn(n * 10)
		if s.Contains(x) != (x%10 < 5) {
			t.Fatalf("Contains(%d) wrong", x)
		}
	}
	for _, k := range order[:n/2] {
		s.Add(k*10+5, k*10+10)
	}
	if got := s.Size(); got != n*5+n/2*5 {
		t.Fatalf("Size() = %d", got)
	}
	s.Remove(1, n*10)
	if got := s.Intervals(); !sameIntervals(got, []Interval{{0, 1}}) {
		t.Fatalf("after big remove: %v", got)
	}
	s.Add(-5, n*10+5)
	if got := s.Intervals(); !sameIntervals(got, []Interval{{-5, n*10 + 5}}) {
		t.Fatalf("after big add: %v", got)
	}
}
