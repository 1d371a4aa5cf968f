//go:build !race

package ecslive_test

const raceScale = 1
