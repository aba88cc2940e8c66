// gotpl renders Go text/template cases with sprig, the reference for ww4j's template engine.
//
// Cases mode (default): stdin is a JSON array of {"name","text","data"}; stdout is a JSON array
// of {"out","err"} in the same order. Bench mode: gotpl -bench TEMPLATE DATA.json SECONDS prints
// executions per second of one parsed template on one goroutine.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
)

type tcase struct {
	Name string          `json:"name"`
	Text string          `json:"text"`
	Data json.RawMessage `json:"data"`
}

type result struct {
	Out string `json:"out"`
	Err string `json:"err,omitempty"`
}

// decode reads JSON with whole numbers as int and the rest as float64, as YAML gives Warewulf.
func decode(raw []byte) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v interface{}
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return fix(v), nil
}

func fix(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case map[string]interface{}:
		for k, e := range x {
			x[k] = fix(e)
		}
		return x
	case []interface{}:
		for i, e := range x {
			x[i] = fix(e)
		}
		return x
	}
	return v
}

func render(c tcase) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Sprintf("panic: %v", r)
		}
	}()
	data, err := decode(c.Data)
	if err != nil {
		return result{Err: "bad data: " + err.Error()}
	}
	t, err := template.New(c.Name).Option("missingkey=default").Funcs(sprig.TxtFuncMap()).Parse(c.Text)
	if err != nil {
		return result{Err: err.Error()}
	}
	var b bytes.Buffer
	err = t.Execute(&b, data)
	res.Out = b.String()
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

func main() {
	if len(os.Args) == 5 && os.Args[1] == "-bench" {
		bench(os.Args[2], os.Args[3], os.Args[4])
		return
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var cases []tcase
	if err := json.Unmarshal(in, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]result, len(cases))
	for i, c := range cases {
		out[i] = render(c)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func bench(tplFile, dataFile, secs string) {
	text, _ := os.ReadFile(tplFile)
	raw, _ := os.ReadFile(dataFile)
	data, err := decode(raw)
	if err != nil {
		panic(err)
	}
	t := template.Must(template.New("bench").Funcs(sprig.TxtFuncMap()).Parse(string(text)))
	s, _ := strconv.ParseFloat(secs, 64)
	var b bytes.Buffer
	// warm up, then measure
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		b.Reset()
		if err := t.Execute(&b, data); err != nil {
			panic(err)
		}
	}
	n := 0
	start := time.Now()
	end := start.Add(time.Duration(s * float64(time.Second)))
	for time.Now().Before(end) {
		for i := 0; i < 100; i++ {
			b.Reset()
			t.Execute(&b, data)
		}
		n += 100
	}
	el := time.Since(start).Seconds()
	fmt.Printf("%.0f ops/s (%d bytes/op)\n", float64(n)/el, b.Len())
	// CPU-time rate of the whole process (GC included), comparable on a loaded machine
	n = 0
	c0 := cpuTime()
	for cpuTime()-c0 < s {
		for i := 0; i < 100; i++ {
			b.Reset()
			t.Execute(&b, data)
		}
		n += 100
	}
	fmt.Printf("%.0f ops/cpu-s\n", float64(n)/(cpuTime()-c0))
}
