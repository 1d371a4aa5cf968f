// Package refs builds, once per inventory, the reverse index that answers "which security
// groups authorize this one": for each region, the groups sorted by ID and, for each group,
// the groups whose rules name it, sorted and deduplicated, self-references dropped. An Index
// is immutable; a refresh builds a new one. The package also pages long answers.
package refs
