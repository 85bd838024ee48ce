package api

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLUISV3Nesting builds the v3 entities object from values found in a
// query: dotted names nest, a repeated child opens the next parent object,
// deeper paths nest level by level, and each parent's $instance spans its
// children.
func TestLUISV3Nesting(t *testing.T) {
	text := "large cheese and small ham from Paris"
	//       0     6      13  17    23  27   32
	leaf := func(name string, off, n int, key string) luisFound {
		return luisFound{name: name, offset: off, length: n, modelTypeID: luisListExtractor, typ: name, keys: []string{key}, sources: []string{"model"}}
	}
	found := []luisFound{
		leaf("Order.Size", 0, 5, "Large"),
		leaf("Order.Topping", 6, 6, "Cheese"),
		leaf("Order.Size", 17, 5, "Small"),
		leaf("Order.Topping", 23, 3, "Ham"),
		leaf("Trip.From.City", 32, 5, "Paris"),
	}
	b, err := json.Marshal(luisV3Entities(text, found, false))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Order":[{"Size":[["Large"]],"Topping":[["Cheese"]]},{"Size":[["Small"]],"Topping":[["Ham"]]}],"Trip":[{"From":[{"City":[["Paris"]]}]}]}`
	if d := cmp.Diff(jsonValue(t, want), jsonValue(t, string(b))); d != "" {
		t.Errorf("entities (-want +got):\n%s", d)
	}

	b, err = json.Marshal(luisV3Entities(text, found, true))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	inst := got["$instance"].(map[string]any)
	orders := inst["Order"].([]any)
	if len(orders) != 2 {
		t.Fatalf("$instance.Order = %v, want 2", orders)
	}
	for i, w := range []struct {
		text       string
		start, len float64
	}{{"large cheese", 0, 12}, {"small ham", 17, 9}} {
		o := orders[i].(map[string]any)
		if o["text"] != w.text || o["startIndex"] != w.start || o["length"] != w.len || o["type"] != "Order" || o["modelTypeId"] != 1.0 {
			t.Errorf("$instance.Order[%d] = %v, want %q at %v+%v", i, o, w.text, w.start, w.len)
		}
	}
	from := got["Trip"].([]any)[0].(map[string]any)["$instance"].(map[string]any)["From"].([]any)[0].(map[string]any)
	if from["text"] != "Paris" || from["type"] != "From" {
		t.Errorf("Trip[0].$instance.From[0] = %v, want Paris, type From", from)
	}
	city := got["Trip"].([]any)[0].(map[string]any)["From"].([]any)[0].(map[string]any)["$instance"].(map[string]any)["City"].([]any)[0].(map[string]any)
	if city["type"] != "City" || city["modelType"] != "List Entity Extractor" {
		t.Errorf("the leaf's $instance = %v, want type City, a list", city)
	}
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}
