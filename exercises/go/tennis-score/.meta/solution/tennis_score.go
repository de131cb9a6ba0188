package tennisscore

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrInvalidMatch is returned by NewMatch for bad arguments.
	ErrInvalidMatch = errors.New("tennisscore: invalid match")
	// ErrUnknownPlayer is returned for a name that is not in the match.
	ErrUnknownPlayer = errors.New("tennisscore: unknown player")
	// ErrMatchOver is returned for a point played after the match was won.
	ErrMatchOver = errors.New("tennisscore: match is over")
)

// Match is the state of one tennis match.
type Match struct {
	names     [2]string
	setsToWin int
	sets      [][2]int // finished sets
	setsWon   [2]int
	games     [2]int
	points    [2]int
	winner    int // -1 while running
}

// NewMatch starts a match between two players, best of 3 or 5 sets.
func NewMatch(player1, player2 string, bestOf int) (*Match, error) {
	if bestOf != 3 && bestOf != 5 {
		return nil, fmt.Errorf("%w: best of %d", ErrInvalidMatch, bestOf)
	}
	if player1 == "" || player2 == "" || player1 == player2 {
		return nil, fmt.Errorf("%w: players %q and %q", ErrInvalidMatch, player1, player2)
	}
	return &Match{names: [2]string{player1, player2}, setsToWin: (bestOf + 1) / 2, winner: -1}, nil
}

func (m *Match) tiebreak() bool { return m.games[0] == 6 && m.games[1] == 6 }

// PointWonBy records a point for the named player.
func (m *Match) PointWonBy(player string) error {
	p := -1
	for i, name := range m.names {
		if name == player {
			p = i
		}
	}
	if p < 0 {
		return fmt.Errorf("%w: %q", ErrUnknownPlayer, player)
	}
	if m.winner >= 0 {
		return ErrMatchOver
	}
	o := 1 - p
	m.points[p]++
	need := 4
	if m.tiebreak() {
		need = 7
	}
	if m.points[p] < need || m.points[p]-m.points[o] < 2 {
		return nil
	}
	// game won
	wasTiebreak := m.tiebreak()
	m.points = [2]int{}
	m.games[p]++
	if !wasTiebreak && (m.games[p] < 6 || m.games[p]-m.games[o] < 2) {
		return nil
	}
	// set won
	m.sets = append(m.sets, m.games)
	m.games = [2]int{}
	m.setsWon[p]++
	if m.setsWon[p] == m.setsToWin {
		m.winner = p
	}
	return nil
}

var calls = [...]string{"0", "15", "30", "40"}

func (m *Match) gameScore() string {
	a, b := m.points[0], m.points[1]
	if m.tiebreak() {
		return fmt.Sprintf("tiebreak %d-%d", a, b)
	}
	if a >= 3 && b >= 3 {
		switch {
		case a == b:
			return "deuce"
		case a > b:
			return "advantage " + m.names[0]
		default:
			return "advantage " + m.names[1]
		}
	}
	return calls[a] + "-" + calls[b]
}

// Score describes the match from player 1's point of view.
func (m *Match) Score() string {
	parts := make([]string, 0, len(m.sets)+1)
	for _, s := range m.sets {
		parts = append(parts, fmt.Sprintf("%d-%d", s[0], s[1]))
	}
	if m.winner >= 0 {
		return strings.Join(parts, " ") + ", " + m.names[m.winner] + " wins"
	}
	parts = append(parts, fmt.Sprintf("%d-%d", m.games[0], m.games[1]))
	return strings.Join(parts, " ") + ", " + m.gameScore()
}

// Winner returns the winner's name, or "" while the match is running.
func (m *Match) Winner() string {
	if m.winner < 0 {
		return ""
	}
	return m.names[m.winner]
}
