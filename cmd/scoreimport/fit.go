package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"fanarchive/internal/ingest"
	"fanarchive/internal/logreg"
)

// example is one piece of a labelled file: its title candidates, and which
// of them are the index's title.
type example struct {
	file  string
	cands []ingest.TitleCandidate
	right []bool
}

// collect parses every fiction file the indexes of dirs label with a title
// and returns its pieces' title candidates, labelled.
func collect(dirs []string) ([]example, error) {
	var out []example
	for _, dir := range dirs {
		index, err := readIndex(filepath.Join(dir, ".descs"))
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(index))
		for name, e := range index {
			if e.label == labelFiction && e.title != "" {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("fit: %w", err)
			}
			pieces, err := ingest.ParseFile(name, raw, ingest.Options{})
			if err != nil {
				continue // scored as a failure by the import itself
			}
			want := norm(index[name].title)
			for _, p := range pieces {
				if len(p.Titles) == 0 {
					continue
				}
				ex := example{file: filepath.Join(dir, name), cands: p.Titles}
				for _, c := range p.Titles {
					t := ingest.StripPartMarker(c.Title)
					if t == "" {
						t = c.Title
					}
					ex.right = append(ex.right, norm(t) == want)
				}
				out = append(out, ex)
			}
		}
	}
	return out, nil
}

// pick returns the index of the candidate score rates highest; the first
// on a tie.
func pick(cands []ingest.TitleCandidate, score func(ingest.TitleCandidate) float64) int {
	best, bestScore := 0, score(cands[0])
	for i, c := range cands[1:] {
		if s := score(c); s > bestScore {
			best, bestScore = i+1, s
		}
	}
	return best
}

// fitModel fits the title model on examples, pulled towards the rules'
// weights by the ridge penalty l2.
func fitModel(examples []example, l2 float64) (logreg.Model, error) {
	var groups [][][]float64
	var right [][]bool
	for _, ex := range examples {
		if !anyTrue(ex.right) {
			continue // no candidate is right: nothing to learn from
		}
		var xs [][]float64
		for _, c := range ex.cands {
			xs = append(xs, c.Features)
		}
		groups, right = append(groups, xs), append(right, ex.right)
	}
	return logreg.Fit(ingest.TitleFeatures, groups, right, logreg.Options{L2: l2, Epochs: 20000, Rate: 1, Toward: ingest.RulesTitleWeights()})
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// FitReport is what -fit measures: how often the chosen title is the
// index's, by the sources' own confidences (the rules), and by models
// fitted without the files they choose for (k-fold cross-validation, folds
// by file) for each ridge penalty tried; the penalty that cross-validates
// best (the strongest of equals: closest to the rules) is fitted on all
// files and shipped.
type FitReport struct {
	Pieces     int          `json:"pieces"`
	Files      int          `json:"files"`
	Reachable  int          `json:"reachable"` // pieces with a right candidate
	ByRules    int          `json:"by_rules"`
	Folds      int          `json:"folds"`
	Penalties  []FitRun     `json:"penalties"`
	L2         float64      `json:"l2"`
	InSample   int          `json:"in_sample"`
	CrossValid int          `json:"cross_validated"`
	Model      logreg.Model `json:"model"`
}

// FitRun is the cross-validation of one ridge penalty.
type FitRun struct {
	L2          float64  `json:"l2"`
	CrossValid  int      `json:"cross_validated"`
	FoldResults [][2]int `json:"fold_results"` // right, pieces
}

// chosenRight reports whether m chooses a right candidate for ex.
func chosenRight(m logreg.Model, ex example) bool {
	return ex.right[pick(ex.cands, func(c ingest.TitleCandidate) float64 { return m.Score(c.Features) })]
}

// crossValidate fits on all folds but one and counts right choices on the
// one left out, for each fold in turn.
func crossValidate(examples []example, fileFold func(string) int, folds int, l2 float64) (FitRun, error) {
	run := FitRun{L2: l2}
	for k := range folds {
		var train, test []example
		for _, ex := range examples {
			if fileFold(ex.file) == k {
				test = append(test, ex)
			} else {
				train = append(train, ex)
			}
		}
		m, err := fitModel(train, l2)
		if err != nil {
			return run, err
		}
		right := 0
		for _, ex := range test {
			if chosenRight(m, ex) {
				right++
			}
		}
		run.CrossValid += right
		run.FoldResults = append(run.FoldResults, [2]int{right, len(test)})
	}
	return run, nil
}

// runFit cross-validates the title model on dirs for each penalty in
// penalties, fits the best on all files, writes it to out (when not empty)
// and prints the report.
func runFit(w io.Writer, dirs []string, out string, folds int, penalties []float64) error {
	examples, err := collect(dirs)
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		return fmt.Errorf("fit: no labelled fiction pieces in %v", dirs)
	}
	if len(penalties) == 0 {
		return fmt.Errorf("fit: no ridge penalty to try")
	}
	files := map[string]int{}
	for _, ex := range examples {
		if _, ok := files[ex.file]; !ok {
			files[ex.file] = len(files)
		}
	}
	fileFold := func(name string) int { return files[name] % folds }
	r := FitReport{Pieces: len(examples), Files: len(files), Folds: folds}
	rules := logreg.Model{Features: ingest.TitleFeatures, Weights: ingest.RulesTitleWeights()}
	for _, ex := range examples {
		if anyTrue(ex.right) {
			r.Reachable++
		}
		if chosenRight(rules, ex) {
			r.ByRules++
		}
	}
	best := -1
	for _, l2 := range penalties {
		run, err := crossValidate(examples, fileFold, folds, l2)
		if err != nil {
			return err
		}
		r.Penalties = append(r.Penalties, run)
		if b := len(r.Penalties) - 1; best < 0 || run.CrossValid > r.Penalties[best].CrossValid ||
			run.CrossValid == r.Penalties[best].CrossValid && l2 > r.Penalties[best].L2 {
			best = b
		}
	}
	r.L2, r.CrossValid = r.Penalties[best].L2, r.Penalties[best].CrossValid
	if r.Model, err = fitModel(examples, r.L2); err != nil {
		return err
	}
	for _, ex := range examples {
		if chosenRight(r.Model, ex) {
			r.InSample++
		}
	}

	fmt.Fprintf(w, "| title chosen right, of %d pieces (%d files) | pieces | %% |\n| --- | --- | --- |\n", r.Pieces, r.Files)
	row := func(name string, n int) { fmt.Fprintf(w, "| %s | %d | %.1f %% |\n", name, n, pct(n, r.Pieces)) }
	row("a right candidate exists (the ceiling)", r.Reachable)
	row("highest source confidence (the rules)", r.ByRules)
	for _, run := range r.Penalties {
		row(fmt.Sprintf("fitted towards the rules, L2 %g, %d-fold cross-validated by file", run.L2, folds), run.CrossValid)
	}
	row(fmt.Sprintf("shipped (L2 %g), on the files it was fitted on", r.L2), r.InSample)
	fmt.Fprintln(w, "\nweights:")
	for i, name := range r.Model.Features {
		fmt.Fprintf(w, "  %-18s %+.3f\n", name, r.Model.Weights[i])
	}
	if out == "" {
		return nil
	}
	b, err := json.MarshalIndent(r.Model, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}
