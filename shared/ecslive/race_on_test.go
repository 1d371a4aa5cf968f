//go:build race

package ecslive_test

// raceScale shrinks the round trips' synthetic estates under the race detector, which
// makes each SDK call about eight times slower: 2 000 groups still span many pages and
// keep every worker busy, which is what the detector needs to see.
const raceScale = 5
