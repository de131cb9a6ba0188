package shortestpath

import "errors"

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
	// add your fields here
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	panic("not implemented")
}

// AddNode adds a node without edges.
func (g *Graph) AddNode(name string) {
	panic("not implemented")
}

// AddEdge adds the directed edge from -> to.
func (g *Graph) AddEdge(from, to string, weight int) error {
	panic("not implemented")
}

// ShortestPath returns the best path from -> to and its total weight.
func (g *Graph) ShortestPath(from, to string) ([]string, int, error) {
	panic("not implemented")
}

// Distances returns the smallest total weight from `from` to every reachable node.
func (g *Graph) Distances(from string) (map[string]int, error) {
	panic("not implemented")
}
