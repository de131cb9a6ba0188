package tennisscore

import "errors"

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
	// add your fields here
}

// NewMatch starts a match between two players, best of 3 or 5 sets.
func NewMatch(player1, player2 string, bestOf int) (*Match, error) {
	panic("not implemented")
}

// PointWonBy records a point for the named player.
func (m *Match) PointWonBy(player string) error {
	panic("not implemented")
}

// Score describes the match from player 1's point of view.
func (m *Match) Score() string {
	panic("not implemented")
}

// Winner returns the winner's name, or "" while the match is running.
func (m *Match) Winner() string {
	panic("not implemented")
}
