// Command benchplan plans N functions once, through the construct or raw,
// so that /usr/bin/time can measure the process's wall time and peak
// memory. Used by scripts/bench.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/tests/bench"
)

func main() {
	mode := flag.String("mode", "construct", "construct or raw")
	n := flag.Int("n", 100, "functions to plan")
	memprofile := flag.String("memprofile", "", "write a heap profile (what the plan holds when it ends) to this file")
	flag.Parse()
	program := bench.Construct(*n)
	if *mode == "raw" {
		program = bench.Raw(*n)
	} else if *mode != "construct" {
		fmt.Fprintln(os.Stderr, "benchplan: -mode must be construct or raw")
		os.Exit(2)
	}
	start := time.Now()
	st, err := asyncroutetest.Run(program)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s n=%d resources=%d elapsed=%s goroutines=%d\n", *mode, *n, len(st.Resources), time.Since(start), runtime.NumGoroutine())
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err == nil {
			runtime.GC()
			err = pprof.WriteHeapProfile(f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		runtime.KeepAlive(st)
	}
}
