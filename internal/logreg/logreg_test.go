package logreg

import (
	"math"
	"testing"
)

// decisions makes n decisions among three alternatives whose features
// are (bias, v, noise): the right one is the one with the largest v.
func decisions(n int) ([][][]float64, [][]bool) {
	var groups [][][]float64
	var right [][]bool
	for g := range n {
		var xs [][]float64
		best, bestV := 0, -1.0
		for i := range 3 {
			v := float64((g*7+i*5)%11) / 10
			xs = append(xs, []float64{1, v, float64((g+i)%3) / 3})
			if v > bestV {
				best, bestV = i, v
			}
		}
		r := make([]bool, 3)
		r[best] = true
		groups, right = append(groups, xs), append(right, r)
	}
	return groups, right
}

func TestFitLearnsTheChoice(t *testing.T) {
	groups, right := decisions(200)
	m, err := Fit([]string{"bias", "v", "noise"}, groups, right, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Weights[0] != 0 {
		t.Errorf("bias weight %v, want 0 (it cancels out of a choice)", m.Weights[0])
	}
	if m.Weights[1] <= 0 || math.Abs(m.Weights[2]) >= m.Weights[1] {
		t.Errorf("weights %v: v should weigh most, positively", m.Weights)
	}
	wrong := 0
	for g, xs := range groups {
		p := m.Choice(xs)
		best := 0
		for i := range p {
			if p[i] > p[best] {
				best = i
			}
		}
		if !right[g][best] {
			wrong++
		}
	}
	if wrong > 10 {
		t.Errorf("%d of %d decisions chosen wrong", wrong, len(groups))
	}
}

func TestFitToward(t *testing.T) {
	groups, right := decisions(50)
	toward := []float64{0, 0, 5}
	strong, err := Fit([]string{"bias", "v", "noise"}, groups, right, Options{L2: 100, Toward: toward})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(strong.Weights[2]-5) > 0.5 {
		t.Errorf("a strong pull towards noise=5 gave %v", strong.Weights)
	}
	weak, err := Fit([]string{"bias", "v", "noise"}, groups, right, Options{L2: 0.001, Toward: toward})
	if err != nil {
		t.Fatal(err)
	}
	if weak.Weights[1] <= weak.Weights[2] {
		t.Errorf("a weak pull kept the wrong model: %v", weak.Weights)
	}
}

func TestFitInvalid(t *testing.T) {
	tests := []struct {
		name   string
		groups [][][]float64
		right  [][]bool
		o      Options
	}{
		{"no decisions", nil, nil, Options{}},
		{"labels missing", [][][]float64{{{1, 0}}}, nil, Options{}},
		{"a label short", [][][]float64{{{1, 0}, {1, 1}}}, [][]bool{{true}}, Options{}},
		{"short alternative", [][][]float64{{{1}}}, [][]bool{{true}}, Options{}},
		{"no right alternative", [][][]float64{{{1, 0}}}, [][]bool{{false}}, Options{}},
		{"toward the wrong size", [][][]float64{{{1, 0}}}, [][]bool{{true}}, Options{Toward: []float64{0}}},
	}
	for _, tt := range tests {
		if _, err := Fit([]string{"bias", "a"}, tt.groups, tt.right, tt.o); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestChoice(t *testing.T) {
	m := Model{Features: []string{"bias", "a"}, Weights: []float64{3, math.Log(3)}}
	p := m.Choice([][]float64{{1, 0}, {1, 1}})
	if math.Abs(p[0]-0.25) > 1e-9 || math.Abs(p[1]-0.75) > 1e-9 {
		t.Errorf("Choice = %v, want [0.25 0.75]", p)
	}
	if got := m.Choice(nil); len(got) != 0 {
		t.Errorf("Choice(nil) = %v", got)
	}
}

func TestCheck(t *testing.T) {
	m := Model{Features: []string{"bias", "a"}, Weights: []float64{0, 1}}
	if err := m.Check([]string{"bias", "a"}); err != nil {
		t.Errorf("Check same features: %v", err)
	}
	for _, fs := range [][]string{{"bias"}, {"bias", "b"}, {"bias", "a", "c"}} {
		if err := m.Check(fs); err == nil {
			t.Errorf("Check(%v): no error", fs)
		}
	}
	if err := (Model{Features: []string{"bias"}}).Check([]string{"bias"}); err == nil {
		t.Error("Check with no weights: no error")
	}
}
