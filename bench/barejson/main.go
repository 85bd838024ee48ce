// Command barejson is the yardstick of bench/runtime.sh: a bare Go HTTP
// server that decodes a JSON body and answers a small JSON document, with
// nothing else (no key, no routing, no model). Parley's predictions per
// second are reported as a share of its rate, measured in the same run on
// the same machine, so that the figure does not depend on how fast or busy
// the machine is.
//
// Usage: barejson ADDR
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: barejson ADDR")
	}
	http.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"kind": "ConversationResult", "result": map[string]any{"query": "x"}})
	})
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}
