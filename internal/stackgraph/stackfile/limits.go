package stackfile

import "fmt"

// Limits of what Decode reads. A file beyond one is refused, before any of
// it is decoded, with an error that names the limit, so reading a file
// takes memory in proportion to a bounded input. Measured: a peak of about
// 7 times the file's size for an export as Pulumi writes it; about 400
// bytes allocated per JSON value for a file made only of tiny objects, the
// costliest shape (so about 1.6 GB in all at MaxValues).
const (
	// MaxFileSize is the size of the largest file Decode reads, in bytes
	// (64 MiB).
	MaxFileSize = 64 << 20
	// MaxDepth is how deeply JSON objects and arrays may nest; Pulumi's
	// files nest a few levels plus the nesting of resource properties.
	MaxDepth = 1000
	// MaxValues is how many JSON values (objects, arrays, strings,
	// numbers, true, false, null) and object keys a file may hold; an
	// export as Pulumi writes it holds about one per 20 bytes, so this
	// lets through any file of MaxFileSize but one made of tiny values.
	MaxValues = 4 << 20
)

// checkLimits scans data once, without decoding it, for the limits above.
// Invalid JSON passes when it is within them: the decoder reports it.
func checkLimits(data []byte) error {
	if len(data) > MaxFileSize {
		return fmt.Errorf("the file has %d bytes; the limit is %d (64 MiB, stackfile.MaxFileSize)", len(data), MaxFileSize)
	}
	depth, values := 0, 0
	inString, escaped, inScalar := false, false, false
	for i, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		scalar := false
		switch c {
		case '"':
			inString = true
			values++
		case '{', '[':
			depth++
			values++
			if depth > MaxDepth {
				return fmt.Errorf("the file nests JSON objects and arrays more than %d levels deep (at byte %d); the limit is %d (stackfile.MaxDepth)", MaxDepth, i, MaxDepth)
			}
		case '}', ']':
			depth--
		case ' ', '\t', '\n', '\r', ',', ':':
		default:
			// A number, true, false or null (or a stray character the
			// decoder will report): one value for its run of characters.
			scalar = true
			if !inScalar {
				values++
			}
		}
		inScalar = scalar
		if values > MaxValues {
			return fmt.Errorf("the file holds more than %d JSON values and keys (at byte %d); the limit is %d (stackfile.MaxValues)", MaxValues, i, MaxValues)
		}
	}
	return nil
}
