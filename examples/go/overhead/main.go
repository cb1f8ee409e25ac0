// The overhead workload's tiny add (bench/overhead.c) driven from Go: the
// cost per call of a 4-element add, handles freed in the loop. Prints a
// bench/run JSON line (median of 5 batches, us per call).
package main

import (
	"fmt"
	"os"
	"sort"
	"time"

	"libdl/dl"
)

func main() {
	a, err := dl.Randn(dl.Float32, 4)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, _ := dl.Randn(dl.Float32, 4)
	const calls = 100000
	add := func() {
		c, err := a.Add(b)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		c.Close()
	}
	for i := 0; i < calls/10; i++ {
		add()
	}
	var batches []float64
	for r := 0; r < 5; r++ {
		start := time.Now()
		for i := 0; i < calls; i++ {
			add()
		}
		batches = append(batches, float64(time.Since(start).Nanoseconds())/calls/1e3)
	}
	sort.Float64s(batches)
	fmt.Println(`{"info": "libdl, from Go"}`)
	fmt.Printf("{\"case\": \"tiny add\", \"metric\": \"us/call\", \"higher_is_better\": false, \"value\": %.4f}\n", batches[2])
}
