// Package logreg is the conditional logit model: a choice among a set of
// alternatives, each described by named features, where the chance of
// each alternative is a softmax of a weighted sum of its features. It is
// small enough to explain (one weight per feature) and to fit in seconds
// on a few thousand decisions. The importer uses it to choose among the
// candidates for a header field (internal/ingest, fieldscore.go); the
// weights are fitted on labelled files by cmd/scoreimport -fit and
// shipped as JSON.
package logreg

import (
	"errors"
	"fmt"
	"math"
)

// Model is a fitted conditional logit model: the score of an alternative
// with features x is Σ Weights[i]·x[i], and the chance that it is the one
// chosen is its score's softmax among the alternatives of the decision.
// x[0] is fixed at 1 (the bias), which cancels out of every choice.
type Model struct {
	// Features names each weight, in order; Features[0] is "bias".
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
}

// Check reports whether the model has a weight for each of the features
// named, in the same order: a model fitted on another feature set must not
// be used.
func (m Model) Check(features []string) error {
	if len(m.Weights) != len(m.Features) {
		return fmt.Errorf("logreg: %d weights for %d features", len(m.Weights), len(m.Features))
	}
	if len(features) != len(m.Features) {
		return fmt.Errorf("logreg: model has %d features, want %d", len(m.Features), len(features))
	}
	for i, f := range features {
		if m.Features[i] != f {
			return fmt.Errorf("logreg: feature %d is %q in the model, want %q", i, m.Features[i], f)
		}
	}
	return nil
}

// Score returns the linear score of an alternative with features x: the
// highest scoring alternative of a decision is the model's choice.
func (m Model) Score(x []float64) float64 {
	var z float64
	for i, w := range m.Weights {
		if i < len(x) {
			z += w * x[i]
		}
	}
	return z
}

// Choice returns the chance the model gives each of a decision's
// alternatives of being the one chosen: the softmax of their scores.
func (m Model) Choice(xs [][]float64) []float64 {
	p := make([]float64, len(xs))
	if len(xs) == 0 {
		return p
	}
	hi := math.Inf(-1)
	for i, x := range xs {
		p[i] = m.Score(x)
		hi = max(hi, p[i])
	}
	var sum float64
	for i := range p {
		p[i] = math.Exp(p[i] - hi)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// Options shape a fit.
type Options struct {
	// L2 is the ridge penalty on every weight but the bias; it keeps
	// weights of rare features small. 0 means 0.01.
	L2 float64
	// Epochs is the number of full-batch gradient steps; 0 means 3000.
	Epochs int
	// Rate is the step size; 0 means 0.5. A step is never so large that
	// the penalty alone would overshoot (Rate·L2 ≤ ½).
	Rate float64
	// Toward, when set, holds one weight per feature that the fit starts
	// from and that the L2 penalty pulls towards instead of 0: a model
	// already known to work (hand-set weights) is then changed only as far
	// as the data insists.
	Toward []float64
}

// Fit fits a model to decisions: groups[g] are the alternatives of one
// decision (each a feature vector starting with the bias 1) and right[g]
// marks those that are a right choice. It maximises the mean log chance of
// choosing a right alternative, minus the L2 penalty, by full-batch
// gradient descent; decisions with no right alternative are skipped. It is
// deterministic: the same data gives the same weights.
func Fit(features []string, groups [][][]float64, right [][]bool, o Options) (Model, error) {
	if len(groups) == 0 || len(groups) != len(right) {
		return Model{}, errors.New("logreg: need as many label sets as decisions, at least one")
	}
	n := len(features)
	for g, xs := range groups {
		if len(xs) != len(right[g]) {
			return Model{}, fmt.Errorf("logreg: decision %d has %d alternatives and %d labels", g, len(xs), len(right[g]))
		}
		for i, x := range xs {
			if len(x) != n {
				return Model{}, fmt.Errorf("logreg: decision %d alternative %d has %d features, want %d", g, i, len(x), n)
			}
		}
	}
	if o.L2 == 0 {
		o.L2 = 0.01
	}
	if o.Epochs == 0 {
		o.Epochs = 3000
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
	o.Rate = min(o.Rate, 0.5/o.L2)
	if o.Toward != nil && len(o.Toward) != n {
		return Model{}, fmt.Errorf("logreg: %d weights to fit towards, want %d", len(o.Toward), n)
	}
	toward := make([]float64, n)
	copy(toward, o.Toward)
	toward[0] = 0
	m := Model{Features: append([]string(nil), features...), Weights: append([]float64(nil), toward...)}
	grad := make([]float64, n)
	for range o.Epochs {
		clear(grad)
		used := 0
		for g, xs := range groups {
			p := m.Choice(xs)
			var pr float64
			for i, ok := range right[g] {
				if ok {
					pr += p[i]
				}
			}
			if pr == 0 {
				continue
			}
			used++
			for i, x := range xs {
				d := p[i]
				if right[g][i] {
					d -= p[i] / pr
				}
				for j, v := range x {
					grad[j] += d * v
				}
			}
		}
		if used == 0 {
			return Model{}, errors.New("logreg: no decision has a right alternative")
		}
		for j := 1; j < n; j++ {
			m.Weights[j] -= o.Rate * (grad[j]/float64(used) + o.L2*(m.Weights[j]-toward[j]))
		}
	}
	for j := range m.Weights {
		m.Weights[j] = math.Round(m.Weights[j]*1e4) / 1e4
	}
	return m, nil
}
