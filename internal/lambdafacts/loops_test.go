package lambdafacts_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
)

func hop(from, to string, how lambdafacts.LoopRoute) lambdafacts.LoopHop {
	return lambdafacts.LoopHop{From: from, To: to, How: how}
}

func TestFindLoops(t *testing.T) {
	s, f := lambdafacts.LoopOnSuccess, lambdafacts.LoopOnFailure
	trig, dl := lambdafacts.LoopTriggers, lambdafacts.LoopDeadLetter
	for name, c := range map[string]struct {
		hops []lambdafacts.LoopHop
		want []string
	}{
		"chain":              {hops: []lambdafacts.LoopHop{hop("a", "b", s), hop("b", "c", s)}},
		"two-function cycle": {hops: []lambdafacts.LoopHop{hop("a", "b", s), hop("b", "a", s)}, want: []string{"success a -(on success)-> b -(on success)-> a"}},
		// A bus is no node: a function's on-success hop goes to each rule
		// that matches its records (here ResponseOnly's rules, which match
		// one function's records each).
		"through rules": {hops: []lambdafacts.LoopHop{hop("a", "to-b", s), hop("to-b", "b", s), hop("b", "to-a", s), hop("to-a", "a", s)},
			want: []string{"success a -(on success)-> to-b -(on success)-> b -(on success)-> to-a -(on success)-> a"}},
		"failure closes it": {hops: []lambdafacts.LoopHop{hop("a", "b", s), hop("b", "a", f)}, want: []string{"other a -(on success)-> b -(on failure)-> a"}},
		"redrive through a queue": {hops: []lambdafacts.LoopHop{hop("a", "q", dl), hop("q", "a", trig)},
			want: []string{"other a -(dead letter)-> q -(triggers)-> a"}},
		"success loop and a failure way back": {hops: []lambdafacts.LoopHop{hop("a", "b", s), hop("b", "a", s), hop("b", "q", f), hop("q", "a", trig)},
			want: []string{"success a -(on success)-> b -(on success)-> a", "other b -(on failure)-> q -(triggers)-> a -(on success)-> b"}},
	} {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, l := range lambdafacts.FindLoops(c.hops) {
				kind := "other"
				if lambdafacts.SuccessOnly(l) {
					kind = "success"
				}
				var d string
				for i, h := range l {
					if i == 0 {
						d = h.From
					}
					d += " -(" + string(h.How) + ")-> " + h.To
				}
				got = append(got, kind+" "+d)
			}
			assert.Equal(t, c.want, got)
		})
	}
	loop := []lambdafacts.LoopHop{hop("a", "b", s), hop("b", "a", s)}
	assert.EqualError(t, lambdafacts.SuccessLoop(loop), `closes a loop of on-success routes (a -(on success)-> b -(on success)-> a): `+
		`each success invokes the loop again for as long as its functions succeed, and Lambda's recursive loop detection does not follow destinations or EventBridge rules; `+
		`allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)`)
}
