package shortestpath

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

type edge struct {
	from, to string
	weight   int
}

func graphOf(t *testing.T, edges []edge, nodes ...string) *Graph {
	t.Helper()
	g := NewGraph()
	for _, n := range nodes {
		g.AddNode(n)
	}
	for _, e := range edges {
		if err := g.AddEdge(e.from, e.to, e.weight); err != nil {
			t.Fatalf("AddEdge(%q, %q, %d): %v", e.from, e.to, e.weight, err)
		}
	}
	return g
}

func TestShortestPath(t *testing.T) {
	tests := []struct {
		name     string
		edges    []edge
		from, to string
		wantPath []string
		wantCost int
	}{
		{
			name:  "single edge",
			edges: []edge{{"a", "b", 7}},
			from:  "a", to: "b",
			wantPath: []string{"a", "b"}, wantCost: 7,
		},
		{
			name:  "cheaper detour",
			edges: []edge{{"a", "c", 10}, {"a", "b", 2}, {"b", "c", 3}},
			from:  "a", to: "c",
			wantPath: []string{"a", "b", "c"}, wantCost: 5,
		},
		{
			name:  "edges are directed",
			edges: []edge{{"a", "b", 1}, {"c", "b", 1}, {"c", "a", 5}},
			from:  "a", to: "c",
		},
		{
			name:  "equal weight: fewer edges wins",
			edges: []edge{{"home", "park", 4}, {"home", "cafe", 1}, {"cafe", "park", 3}, {"park", "work", 2}},
			from:  "home", to: "work",
			wantPath: []string{"home", "park", "work"}, wantCost: 6,
		},
		{
			name:  "equal weight and length: smaller names win",
			edges: []edge{{"s", "m", 1}, {"s", "k", 1}, {"m", "t", 1}, {"k", "t", 1}},
			from:  "s", to: "t",
			wantPath: []string{"s", "k", "t"}, wantCost: 2,
		},
		{
			name: "whole path compared, not just the last predecessor",
			edges: []edge{
				{"a", "b", 1}, {"a", "c", 1}, {"b", "z", 1}, {"c", "y", 1}, {"z", "t", 1}, {"y", "t", 1},
			},
			from: "a", to: "t",
			wantPath: []string{"a", "b", "z", "t"}, wantCost: 3,
		},
		{
			name: "ties resolved deep in the graph",
			edges: []edge{
				{"s", "p", 2}, {"s", "q", 1}, {"q", "p", 1}, {"p", "x", 1}, {"q", "x", 2}, {"x", "t", 1},
			},
			from: "s", to: "t",
			// s-p-x-t, s-q-x-t and s-q-p-x-t all weigh 4; the first two have 3 edges, and p < q
			wantPath: []string{"s", "p", "x", "t"}, wantCost: 4,
		},
		{
			name:  "zero weights: fewer edges still win",
			edges: []edge{{"a", "b", 0}, {"b", "c", 0}, {"a", "c", 0}},
			from:  "a", to: "c",
			wantPath: []string{"a", "c"}, wantCost: 0,
		},
		{
			name:  "zero-weight cycle",
			edges: []edge{{"a", "b", 0}, {"b", "a", 0}, {"b", "c", 5}, {"c", "c", 0}},
			from:  "a", to: "c",
			wantPath: []string{"a", "b", "c"}, wantCost: 5,
		},
		{
			name:  "parallel edges keep the smallest weight",
			edges: []edge{{"a", "b", 9}, {"a", "b", 3}, {"a", "b", 5}},
			from:  "a", to: "b",
			wantPath: []string{"a", "b"}, wantCost: 3,
		},
		{
			name:  "unicode and empty names",
			edges: []edge{{"", "Zürich", 2}, {"Zürich", "東京", 3}, {"", "東京", 6}},
			from:  "", to: "東京",
			wantPath: []string{"", "Zürich", "東京"}, wantCost: 5,
		},
		{
			name:  "byte order of names",
			edges: []edge{{"s", "Z", 1}, {"s", "a", 1}, {"Z", "t", 1}, {"a", "t", 1}},
			from:  "s", to: "t",
			wantPath: []string{"s", "Z", "t"}, wantCost: 2,
		},
		{
			name:  "same node",
			edges: []edge{{"a", "b", 1}, {"b", "a", 1}},
			from:  "a", to: "a",
			wantPath: []string{"a"}, wantCost: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := graphOf(t, tc.edges)
			path, cost, err := g.ShortestPath(tc.from, tc.to)
			if tc.wantPath == nil {
				if !errors.Is(err, ErrNoPath) || path != nil || cost != 0 {
					t.Fatalf("ShortestPath = %q, %d, %v; want nil, 0, ErrNoPath", path, cost, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(path, tc.wantPath) || cost != tc.wantCost {
				t.Fatalf("ShortestPath = %q, %d; want %q, %d", path, cost, tc.wantPath, tc.wantCost)
			}
		})
	}
}

func TestUnknownNodes(t *testing.T) {
	g := graphOf(t, []edge{{"a", "b", 1}}, "lonely")
	tests := []struct{ from, to string }{{"x", "a"}, {"a", "x"}, {"x", "x"}, {"x", "y"}}
	for _, tc := range tests {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			path, cost, err := g.ShortestPath(tc.from, tc.to)
			if !errors.Is(err, ErrUnknownNode) || path != nil || cost != 0 {
				t.Fatalf("ShortestPath(%q, %q) = %q, %d, %v", tc.from, tc.to, path, cost, err)
			}
		})
	}
	t.Run("isolated node is known", func(t *testing.T) {
		if _, _, err := g.ShortestPath("a", "lonely"); !errors.Is(err, ErrNoPath) {
			t.Fatalf("got %v, want ErrNoPath", err)
		}
		path, _, err := g.ShortestPath("lonely", "lonely")
		if err != nil || !reflect.DeepEqual(path, []string{"lonely"}) {
			t.Fatalf("got %q, %v", path, err)
		}
	})
	t.Run("distances from unknown node", func(t *testing.T) {
		if d, err := g.Distances("nope"); !errors.Is(err, ErrUnknownNode) || d != nil {
			t.Fatalf("Distances = %v, %v", d, err)
		}
	})
}

func TestNegativeWeight(t *testing.T) {
	g := NewGraph()
	if err := g.AddEdge("a", "b", -1); !errors.Is(err, ErrNegativeWeight) {
		t.Fatalf("AddEdge error = %v, want ErrNegativeWeight", err)
	}
	if _, _, err := g.ShortestPath("a", "b"); !errors.Is(err, ErrUnknownNode) {
		t.Fatalf("nodes were added by a rejected edge: %v", err)
	}
	if err := g.AddEdge("a", "b", 4); err != nil {
		t.Fatal(err)
	}
	if err := g.AddEdge("a", "b", -10); !errors.Is(err, ErrNegativeWeight) {
		t.Fatalf("AddEdge error = %v", err)
	}
	if _, cost, err := g.ShortestPath("a", "b"); err != nil || cost != 4 {
		t.Fatalf("rejected edge changed the graph: %d, %v", cost, err)
	}
}

func TestDistances(t *testing.T) {
	g := graphOf(t, []edge{
		{"a", "b", 4}, {"a", "c", 1}, {"c", "b", 2}, {"b", "d", 5}, {"e", "a", 1},
	}, "island")
	got, err := g.Distances("a")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"a": 0, "b": 3, "c": 1, "d": 8}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Distances(a) = %v, want %v", got, want)
	}
	got["a"] = 99
	again, _ := g.Distances("a")
	if again["a"] != 0 {
		t.Fatal("Distances must return a new map")
	}
	if got, _ := g.Distances("island"); !reflect.DeepEqual(got, map[string]int{"island": 0}) {
		t.Fatalf("Distances(island) = %v", got)
	}
}

func gridName(r, c int) string { return fmt.Sprintf("r%03dc%03d", r, c) }

// TestManyTies: in a grid with unit weights and edges only right and down, every monotone
// path from corner to corner ties on weight and length. The lexicographically smallest one
// goes all the way right first (names "r000c..." sort before "r001c...").
func TestManyTies(t *testing.T) {
	const n = 80
	g := NewGraph()
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			if c+1 < n {
				g.AddEdge(gridName(r, c), gridName(r, c+1), 1)
			}
			if r+1 < n {
				g.AddEdge(gridName(r, c), gridName(r+1, c), 1)
			}
		}
	}
	path, cost, err := g.ShortestPath(gridName(0, 0), gridName(n-1, n-1))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for c := 0; c < n; c++ {
		want = append(want, gridName(0, c))
	}
	for r := 1; r < n; r++ {
		want = append(want, gridName(r, n-1))
	}
	if cost != 2*(n-1) || !reflect.DeepEqual(path, want) {
		t.Fatalf("cost %d, path starts %q", cost, path[:5])
	}
}

// TestLargeGraph checks costs on a 100x100 grid with two-way edges of varied weights
// against an independent computation, and checks that returned paths are real paths.
func TestLargeGraph(t *testing.T) {
	const n = 100
	weight := func(r, c, dir int) int { return (r*7919+c*104729+dir*31)%9 + 1 }
	g := NewGraph()
	type key struct{ from, to string }
	w := map[key]int{}
	var order []key
	add := func(a, b string, x int) {
		g.AddEdge(a, b, x)
		w[key{a, b}] = x
		order = append(order, key{a, b})
	}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			if c+1 < n {
				add(gridName(r, c), gridName(r, c+1), weight(r, c, 0))
				add(gridName(r, c+1), gridName(r, c), weight(r, c, 1))
			}
			if r+1 < n {
				add(gridName(r, c), gridName(r+1, c), weight(r, c, 2))
				add(gridName(r+1, c), gridName(r, c), weight(r, c, 3))
			}
		}
	}
	// independent check: Bellman-Ford style relaxation until nothing changes
	dist := map[string]int{gridName(0, 0): 0}
	for changed := true; changed; {
		changed = false
		for _, k := range order {
			x := w[k]
			if d, ok := dist[k.from]; ok {
				if old, ok := dist[k.to]; !ok || d+x < old {
					dist[k.to] = d + x
					changed = true
				}
			}
		}
	}
	got, err := g.Distances(gridName(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, dist) {
		t.Fatalf("Distances disagree with relaxation")
	}
	for _, target := range []string{gridName(n-1, n-1), gridName(0, n-1), gridName(n/2, n/3)} {
		path, cost, err := g.ShortestPath(gridName(0, 0), target)
		if err != nil {
			t.Fatal(err)
		}
		if cost != dist[target] || path[0] != gridName(0, 0) || path[len(path)-1] != target {
			t.Fatalf("to %s: cost %d want %d", target, cost, dist[target])
		}
		sum := 0
		for i := 1; i < len(path); i++ {
			x, ok := w[key{path[i-1], path[i]}]
			if !ok {
				t.Fatalf("no edge %s -> %s", path[i-1], path[i])
			}
			sum += x
		}
		if sum != cost {
			t.Fatalf("path weighs %d, reported %d", sum, cost)
		}
	}
}
