package nlu

// rowIndex maps the feature hashes of a model's rows to their row numbers,
// the hashes themselves staying in the component's own slice. It is open
// addressing over a power-of-two table of row+1 (0: empty), probed linearly
// from the hash's low bits (the hashes are well mixed already), never more
// than half full: 4 to 8 bytes a row, where a Go map took about 40, and a
// lookup that hashes nothing. SNIPS 2017's model has 171,103 rows in two
// indexes.
type rowIndex struct {
	slots []int32
	n     int
}

// newRowIndex indexes hashes, which hold no repeats.
func newRowIndex(hashes []uint64) rowIndex {
	var x rowIndex
	x.resize(hashes, len(hashes))
	return x
}

// get returns the row of hash h.
func (x *rowIndex) get(hashes []uint64, h uint64) (int32, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		r := x.slots[i]
		if r == 0 {
			return 0, false
		}
		if hashes[r-1] == h {
			return r - 1, true
		}
	}
}

// add indexes row r, the next row: hashes[:r] are indexed, hashes[r] is
// new.
func (x *rowIndex) add(hashes []uint64, r int32) {
	if 2*(int(r)+1) > len(x.slots) {
		x.resize(hashes[:r], 2*(int(r)+1))
	}
	x.put(hashes[r], r)
	x.n++
}

func (x *rowIndex) put(h uint64, r int32) {
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = r + 1
}

// resize makes a table for at least rows entries, at most half full, and
// indexes hashes in it.
func (x *rowIndex) resize(hashes []uint64, rows int) {
	size := 16
	for size < 2*rows {
		size *= 2
	}
	x.slots = make([]int32, size)
	for r, h := range hashes {
		x.put(h, int32(r))
	}
	x.n = len(hashes)
}
