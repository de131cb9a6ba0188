package spiralmatrix

// Spiral returns a rows x cols matrix filled with 1..rows*cols in a clockwise spiral.
func Spiral(rows, cols int) [][]int {
	if rows <= 0 || cols <= 0 {
		return [][]int{}
	}
	m := make([][]int, rows)
	for r := range m {
		m[r] = make([]int, cols)
	}
	top, bottom, left, right := 0, rows-1, 0, cols-1
	n := 1
	for top <= bottom && left <= right {
		for c := left; c <= right; c++ {
			m[top][c] = n
			n++
		}
		top++
		for r := top; r <= bottom; r++ {
			m[r][right] = n
			n++
		}
		right--
		if top <= bottom {
			for c := right; c >= left; c-- {
				m[bottom][c] = n
				n++
			}
			bottom--
		}
		if left <= right {
			for r := bottom; r >= top; r-- {
				m[r][left] = n
				n++
			}
			left++
		}
	}
	return m
}
