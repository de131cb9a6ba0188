package spiralmatrix

import (
	"reflect"
	"testing"
)

func TestSpiral(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		want       [][]int
	}{
		{"1x1", 1, 1, [][]int{{1}}},
		{"2x2", 2, 2, [][]int{{1, 2}, {4, 3}}},
		{"3x3", 3, 3, [][]int{{1, 2, 3}, {8, 9, 4}, {7, 6, 5}}},
		{"4x4", 4, 4, [][]int{
			{1, 2, 3, 4},
			{12, 13, 14, 5},
			{11, 16, 15, 6},
			{10, 9, 8, 7},
		}},
		{"3x4", 3, 4, [][]int{{1, 2, 3, 4}, {10, 11, 12, 5}, {9, 8, 7, 6}}},
		{"4x2", 4, 2, [][]int{{1, 2}, {8, 3}, {7, 4}, {6, 5}}},
		{"single row", 1, 5, [][]int{{1, 2, 3, 4, 5}}},
		{"single column", 4, 1, [][]int{{1}, {2}, {3}, {4}}},
		{"2x5", 2, 5, [][]int{{1, 2, 3, 4, 5}, {10, 9, 8, 7, 6}}},
		{"5x3", 5, 3, [][]int{
			{1, 2, 3},
			{12, 13, 4},
			{11, 14, 5},
			{10, 15, 6},
			{9, 8, 7},
		}},
		{"3x5", 3, 5, [][]int{
			{1, 2, 3, 4, 5},
			{12, 13, 14, 15, 6},
			{11, 10, 9, 8, 7},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spiral(tc.rows, tc.cols)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Spiral(%d, %d) = %v, want %v", tc.rows, tc.cols, got, tc.want)
			}
		})
	}
}

func TestSpiralEmpty(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
	}{
		{"zero by zero", 0, 0},
		{"zero rows", 0, 3},
		{"zero cols", 3, 0},
		{"negative rows", -2, 3},
		{"negative cols", 2, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spiral(tc.rows, tc.cols)
			if got == nil || len(got) != 0 {
				t.Fatalf("Spiral(%d, %d) = %#v, want empty non-nil slice", tc.rows, tc.cols, got)
			}
		})
	}
}

func TestSpiralLarge(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
	}{
		{"100x100", 100, 100},
		{"37x101", 37, 101},
		{"250x3", 250, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spiral(tc.rows, tc.cols)
			if len(got) != tc.rows {
				t.Fatalf("got %d rows, want %d", len(got), tc.rows)
			}
			seen := make([]bool, tc.rows*tc.cols+1)
			for r, row := range got {
				if len(row) != tc.cols {
					t.Fatalf("row %d has %d columns, want %d", r, len(row), tc.cols)
				}
				for _, v := range row {
					if v < 1 || v > tc.rows*tc.cols || seen[v] {
						t.Fatalf("value %d out of range or repeated", v)
					}
					seen[v] = true
				}
			}
			// walking the perimeter clockwise from the top-left gives 1, 2, 3, ...
			n := 1
			for c := 0; c < tc.cols; c++ {
				if got[0][c] != n {
					t.Fatalf("top row: got[0][%d] = %d, want %d", c, got[0][c], n)
				}
				n++
			}
			for r := 1; r < tc.rows; r++ {
				if got[r][tc.cols-1] != n {
					t.Fatalf("right column: got[%d][%d] = %d, want %d", r, tc.cols-1, got[r][tc.cols-1], n)
				}
				n++
			}
			// each step between consecutive numbers moves to a neighbouring cell
			pos := make([][2]int, tc.rows*tc.cols+1)
			for r, row := range got {
				for c, v := range row {
					pos[v] = [2]int{r, c}
				}
			}
			for v := 2; v <= tc.rows*tc.cols; v++ {
				dr, dc := pos[v][0]-pos[v-1][0], pos[v][1]-pos[v-1][1]
				if dr*dr+dc*dc != 1 {
					t.Fatalf("%d and %d are not adjacent", v-1, v)
				}
			}
		})
	}
}
