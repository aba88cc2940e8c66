// ipxevars renders iPXE/GRUB templates the way upstream warewulfd does: Go text/template with
// sprig's text functions over a struct shaped like upstream's templateVars (spec/protocol.md §2.1)
// with *NetDev values holding net.IP fields. The reference for ww4j's /ipxe/ and /grub/ output.
//
// stdin: JSON array of {"name","text","data"} (data decodes into templateVars);
// stdout: JSON array of {"out","err"} in the same order.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

// NetDev mirrors the fields of upstream's node.NetDev that are visible to templates.
type NetDev struct {
	Type       string
	OnBoot     string
	Device     string
	Hwaddr     string
	Ipaddr     net.IP
	Netmask    net.IP
	Gateway    net.IP
	Ipaddr6    net.IP
	PrefixLen6 string
	Gateway6   net.IP
	MTU        string
	Tags       map[string]string
}

// templateVars mirrors upstream's struct of the same name.
type templateVars struct {
	Message       string
	WaitTime      string
	Hostname      string
	Fqdn          string
	Id            string
	Cluster       string
	ImageName     string
	Ipxe          string
	Hwaddr        string
	Ipaddr        string
	Ipaddr6       string
	Port          string
	Authority     string
	TLS           bool
	KernelArgs    string
	KernelVersion string
	Root          string
	NetDevs       map[string]*NetDev
	Tags          map[string]string
}

type tcase struct {
	Name string          `json:"name"`
	Text string          `json:"text"`
	Data json.RawMessage `json:"data"`
}

type result struct {
	Out string `json:"out"`
	Err string `json:"err,omitempty"`
}

func render(c tcase) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Sprintf("panic: %v", r)
		}
	}()
	var vars templateVars
	if err := json.Unmarshal(c.Data, &vars); err != nil {
		return result{Err: "bad data: " + err.Error()}
	}
	t, err := template.New(c.Name).Funcs(sprig.TxtFuncMap()).Parse(c.Text)
	if err != nil {
		return result{Err: err.Error()}
	}
	var b bytes.Buffer
	if err := t.Execute(&b, vars); err != nil {
		return result{Err: err.Error()}
	}
	return result{Out: b.String()}
}

func main() {
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
