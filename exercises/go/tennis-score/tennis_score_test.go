package tennisscore

import (
	"errors"
	"strings"
	"testing"
)

// play feeds points to m: 'a' is a point for player 1, 'b' for player 2; spaces are ignored.
func play(t *testing.T, m *Match, points string) {
	t.Helper()
	for _, r := range points {
		var err error
		switch r {
		case 'a':
			err = m.PointWonBy(m1(m))
		case 'b':
			err = m.PointWonBy(m2(m))
		case ' ':
			continue
		default:
			t.Fatalf("bad test sequence %q", points)
		}
		if err != nil {
			t.Fatalf("PointWonBy failed after %q: %v", points, err)
		}
	}
}

var playerNames = map[*Match][2]string{}

func m1(m *Match) string { return playerNames[m][0] }
func m2(m *Match) string { return playerNames[m][1] }

func newMatch(t *testing.T, p1, p2 string, bestOf int) *Match {
	t.Helper()
	m, err := NewMatch(p1, p2, bestOf)
	if err != nil || m == nil {
		t.Fatalf("NewMatch(%q, %q, %d) = %v, %v", p1, p2, bestOf, m, err)
	}
	playerNames[m] = [2]string{p1, p2}
	return m
}

func games(winner string, n int) string { return strings.Repeat(strings.Repeat(winner, 4)+" ", n) }

// sixAll brings a fresh set to 6-6: 5-0, then 5-6, then 6-6.
var sixAll = games("a", 5) + games("b", 6) + games("a", 1)

func TestScore(t *testing.T) {
	tests := []struct {
		name   string
		bestOf int
		points string
		want   string
	}{
		{"new match", 3, "", "0-0, 0-0"},
		{"fifteen love", 3, "a", "0-0, 15-0"},
		{"love fifteen", 3, "b", "0-0, 0-15"},
		{"fifteen thirty", 3, "abb", "0-0, 15-30"},
		{"forty thirty", 3, "aaabb", "0-0, 40-30"},
		{"forty love", 3, "aaa", "0-0, 40-0"},
		{"deuce", 3, "aaabbb", "0-0, deuce"},
		{"advantage player 1", 3, "aaabbba", "0-0, advantage Ann"},
		{"advantage player 2", 3, "aaabbbb", "0-0, advantage Bob"},
		{"back to deuce", 3, "aaabbbab", "0-0, deuce"},
		{"long deuce", 3, "aaabbb" + strings.Repeat("ab", 50) + "b", "0-0, advantage Bob"},
		{"game after advantage", 3, "aaabbbaa", "1-0, 0-0"},
		{"game for player 2", 3, "bbbb", "0-1, 0-0"},
		{"game after deuce for player 2", 3, "aaabbbbb", "0-1, 0-0"},
		{"five all", 3, games("a", 5) + games("b", 5), "5-5, 0-0"},
		{"six five is not a set", 3, games("a", 5) + games("b", 5) + games("a", 1), "6-5, 0-0"},
		{"seven five", 3, games("a", 5) + games("b", 5) + games("a", 2), "7-5 0-0, 0-0"},
		{"six four", 3, games("b", 4) + games("a", 6), "6-4 0-0, 0-0"},
		{"set to player 2", 3, games("b", 6) + "a", "0-6 0-0, 15-0"},
		{"tiebreak starts at six all", 3, sixAll, "6-6, tiebreak 0-0"},
		{"tiebreak points", 3, sixAll + "aab", "6-6, tiebreak 2-1"},
		{"tiebreak has no deuce", 3, sixAll + "aaaaaabbbbbb", "6-6, tiebreak 6-6"},
		{"tiebreak needs two ahead", 3, sixAll + "aaaaaabbbbbba", "6-6, tiebreak 7-6"},
		{"tiebreak won", 3, sixAll + "aaaaaabbbbbbaa", "7-6 0-0, 0-0"},
		{"tiebreak won by player 2", 3, sixAll + "bbbbbbb", "6-7 0-0, 0-0"},
		{"long tiebreak", 3, sixAll + strings.Repeat("ab", 11) + "a", "6-6, tiebreak 12-11"},
		{"second set", 3, games("a", 6) + games("b", 2) + games("a", 3) + "aaa", "6-0 3-2, 40-0"},
		{"match over best of 3", 3, games("a", 12), "6-0 6-0, Ann wins"},
		{"three sets", 3, games("a", 6) + games("b", 6) + games("a", 6), "6-0 0-6 6-0, Ann wins"},
		{"best of 5 goes on after two sets", 5, games("a", 12), "6-0 6-0 0-0, 0-0"},
		{"best of 5 won", 5, games("b", 6) + games("a", 18), "0-6 6-0 6-0 6-0, Ann wins"},
		{"deciding set tiebreak", 3, games("a", 6) + games("b", 6) + sixAll + "bbbbbbb", "6-0 0-6 6-7, Bob wins"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMatch(t, "Ann", "Bob", tc.bestOf)
			play(t, m, tc.points)
			if got := m.Score(); got != tc.want {
				t.Fatalf("Score() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWinner(t *testing.T) {
	m := newMatch(t, "Ann", "Bob", 3)
	if w := m.Winner(); w != "" {
		t.Fatalf("Winner() = %q at start", w)
	}
	play(t, m, games("b", 6)+games("a", 6))
	if w := m.Winner(); w != "" {
		t.Fatalf("Winner() = %q at one set all", w)
	}
	play(t, m, games("b", 6))
	if w := m.Winner(); w != "Bob" {
		t.Fatalf("Winner() = %q, want Bob", w)
	}
}

func TestPointAfterMatchOver(t *testing.T) {
	m := newMatch(t, "Ann", "Bob", 3)
	play(t, m, games("a", 12))
	for _, p := range []string{"Ann", "Bob"} {
		if err := m.PointWonBy(p); !errors.Is(err, ErrMatchOver) {
			t.Fatalf("PointWonBy(%q) after match = %v, want ErrMatchOver", p, err)
		}
	}
	if err := m.PointWonBy("Cat"); !errors.Is(err, ErrUnknownPlayer) {
		t.Fatalf("unknown player after match = %v, want ErrUnknownPlayer", err)
	}
	if got := m.Score(); got != "6-0 6-0, Ann wins" {
		t.Fatalf("score changed: %q", got)
	}
}

func TestUnknownPlayer(t *testing.T) {
	m := newMatch(t, "Ann", "Bob", 3)
	play(t, m, "ab")
	for _, p := range []string{"", "ann", "Ann ", "Cat"} {
		if err := m.PointWonBy(p); !errors.Is(err, ErrUnknownPlayer) {
			t.Fatalf("PointWonBy(%q) = %v, want ErrUnknownPlayer", p, err)
		}
	}
	if got := m.Score(); got != "0-0, 15-15" {
		t.Fatalf("score changed: %q", got)
	}
}

func TestNewMatchValidation(t *testing.T) {
	tests := []struct {
		name   string
		p1, p2 string
		bestOf int
	}{
		{"best of 1", "Ann", "Bob", 1},
		{"best of 2", "Ann", "Bob", 2},
		{"best of 4", "Ann", "Bob", 4},
		{"best of 7", "Ann", "Bob", 7},
		{"best of 0", "Ann", "Bob", 0},
		{"negative", "Ann", "Bob", -3},
		{"empty first name", "", "Bob", 3},
		{"empty second name", "Ann", "", 5},
		{"same names", "Ann", "Ann", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMatch(tc.p1, tc.p2, tc.bestOf)
			if !errors.Is(err, ErrInvalidMatch) || m != nil {
				t.Fatalf("NewMatch(%q, %q, %d) = %v, %v; want nil, ErrInvalidMatch", tc.p1, tc.p2, tc.bestOf, m, err)
			}
		})
	}
}

func TestUnicodeNames(t *testing.T) {
	m := newMatch(t, "Zoë", "Łukasz", 5)
	play(t, m, "aaabbbb")
	if got := m.Score(); got != "0-0, advantage Łukasz" {
		t.Fatalf("Score() = %q", got)
	}
	play(t, m, "b"+games("a", 18))
	if got := m.Score(); got != "6-1 6-0 6-0, Zoë wins" {
		t.Fatalf("Score() = %q", got)
	}
}

func TestFullMatch(t *testing.T) {
	m := newMatch(t, "Ann", "Bob", 3)
	// Set 1: 6-4 with deuce games along the way.
	play(t, m, "aaabbbaa "+games("b", 1)+"bbbaaaaa "+games("b", 3)+games("a", 4))
	if got := m.Score(); got != "6-4 0-0, 0-0" {
		t.Fatalf("after set 1: %q", got)
	}
	// Set 2: 6-7 (5-7 in the tiebreak).
	play(t, m, games("a", 5)+games("b", 6)+games("a", 1)+"aaaaabbbbbbb")
	if got := m.Score(); got != "6-4 6-7 0-0, 0-0" {
		t.Fatalf("after set 2: %q", got)
	}
	// Set 3: 7-5.
	play(t, m, games("b", 5)+games("a", 6)+"aaa")
	if got := m.Score(); got != "6-4 6-7 6-5, 40-0" {
		t.Fatalf("in set 3: %q", got)
	}
	play(t, m, "a")
	if got := m.Score(); got != "6-4 6-7 7-5, Ann wins" {
		t.Fatalf("final: %q", got)
	}
}
