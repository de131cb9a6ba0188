package shortestpath

import (
	"container/heap"
	"errors"
	"fmt"
)

var (
	// ErrNegativeWeight is returned by AddEdge for a weight below zero.
	ErrNegativeWeight = errors.New("shortestpath: negative weight")
	// ErrUnknownNode is returned when a query names a node that is not in the graph.
	ErrUnknownNode = errors.New("shortestpath: unknown node")
	// ErrNoPath is returned when the target cannot be reached.
	ErrNoPath = errors.New("shortestpath: no path")
)

// Graph is a weighted directed graph.
type Graph struct {
	edges map[string]map[string]int
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{edges: map[string]map[string]int{}}
}

// AddNode adds a node without edges.
func (g *Graph) AddNode(name string) {
	if _, ok := g.edges[name]; !ok {
		g.edges[name] = map[string]int{}
	}
}

// AddEdge adds the directed edge from -> to.
func (g *Graph) AddEdge(from, to string, weight int) error {
	if weight < 0 {
		return fmt.Errorf("%w: %s -> %s (%d)", ErrNegativeWeight, from, to, weight)
	}
	g.AddNode(from)
	g.AddNode(to)
	if old, ok := g.edges[from][to]; !ok || weight < old {
		g.edges[from][to] = weight
	}
	return nil
}

// label orders candidate paths: weight, then edge count, then the node names.
type label struct {
	cost int
	path []string
}

func less(a, b label) bool {
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if len(a.path) != len(b.path) {
		return len(a.path) < len(b.path)
	}
	for i := range a.path {
		if a.path[i] != b.path[i] {
			return a.path[i] < b.path[i]
		}
	}
	return false
}

type queue []label

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return less(q[i], q[j]) }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(label)) }
func (q *queue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// search runs Dijkstra from `from` with the full (cost, edges, names) order and returns the
// best label of every reachable node. It stops early once `stop` is settled, if not "".
func (g *Graph) search(from string, stop *string) map[string]label {
	best := map[string]label{from: {0, []string{from}}}
	done := map[string]bool{}
	q := &queue{best[from]}
	for q.Len() > 0 {
		cur := heap.Pop(q).(label)
		node := cur.path[len(cur.path)-1]
		if done[node] || less(best[node], cur) {
			continue
		}
		done[node] = true
		if stop != nil && node == *stop {
			break
		}
		for next, w := range g.edges[node] {
			if done[next] {
				continue
			}
			path := make([]string, len(cur.path)+1)
			copy(path, cur.path)
			path[len(cur.path)] = next
			cand := label{cur.cost + w, path}
			if old, ok := best[next]; !ok || less(cand, old) {
				best[next] = cand
				heap.Push(q, cand)
			}
		}
	}
	return best
}

// ShortestPath returns the best path from -> to and its total weight.
func (g *Graph) ShortestPath(from, to string) ([]string, int, error) {
	if _, ok := g.edges[from]; !ok {
		return nil, 0, fmt.Errorf("%w: %q", ErrUnknownNode, from)
	}
	if _, ok := g.edges[to]; !ok {
		return nil, 0, fmt.Errorf("%w: %q", ErrUnknownNode, to)
	}
	best := g.search(from, &to)
	l, ok := best[to]
	if !ok {
		return nil, 0, fmt.Errorf("%w: %q -> %q", ErrNoPath, from, to)
	}
	return l.path, l.cost, nil
}

// Distances returns the smallest total weight from `from` to every reachable node.
func (g *Graph) Distances(from string) (map[string]int, error) {
	if _, ok := g.edges[from]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownNode, from)
	}
	out := map[string]int{}
	for node, l := range g.search(from, nil) {
		out[node] = l.cost
	}
	return out, nil
}
