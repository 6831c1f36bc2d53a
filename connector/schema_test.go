package connector

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestSchemaBuilderAndStruct(t *testing.T) {
	s := StructBuilder().SetName("com.example.R").
		Field("id", Int32Schema).
		Field("s", OptionalStringSchema).
		Field("n", NewSchemaBuilder(TypeInt64).SetDefault(int64(7)).MustBuild()).
		Field("ts", TimestampSchema().MustBuild()).
		MustBuild()
	st, err := NewStruct(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put("id", int32(1)); err != nil {
		t.Fatal(err)
	}
	if err := st.Put("ts", time.UnixMilli(1700000000000).UTC()); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.Get("n"); v != int64(7) {
		t.Fatalf("Get falls back to the default, got %v", v)
	}
	if v, _ := st.GetWithoutDefault("n"); v != nil {
		t.Fatalf("GetWithoutDefault = %v", v)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		v     any
		want  string
	}{
		{"id", nil, `Invalid value: null used for required field: "id", schema type: INT32`},
		{"id", "x", `Invalid Java object for schema with type INT32: string for field: "id"`},
		{"nope", int32(1), "nope is not a valid field name"},
	} {
		err := st.Put(tc.field, tc.v)
		var de *DataError
		if !errors.As(err, &de) || err.Error() != tc.want {
			t.Errorf("Put(%s, %v) = %v, want DataError %q", tc.field, tc.v, err, tc.want)
		}
	}
	if got := st.String(); got != "Struct{id=1,ts="+time.UnixMilli(1700000000000).UTC().String()+"}" {
		t.Errorf("String() = %q", got)
	}
}

func TestSchemaBuilderErrors(t *testing.T) {
	if _, err := NewSchemaBuilder(TypeString).SetName("a").SetName("b").Build(); err == nil || err.Error() != "Invalid SchemaBuilder call: name has already been set." {
		t.Errorf("got %v", err)
	}
	if _, err := StructBuilder().Field("a", Int8Schema).Field("a", Int8Schema).Build(); err == nil || !strings.Contains(err.Error(), "duplication a") {
		t.Errorf("got %v", err)
	}
	if _, err := NewSchemaBuilder(TypeInt32).SetDefault("x").Build(); err == nil {
		t.Error("a default of the wrong type must be refused")
	}
}

func TestSchemaEqual(t *testing.T) {
	a := DecimalSchema(2).MustBuild()
	b := DecimalSchema(2).MustBuild()
	c := DecimalSchema(3).MustBuild()
	if !a.Equal(b) || a.Equal(c) || a.Equal(nil) {
		t.Fatal("Equal must compare every property")
	}
	nested := StructBuilder().Field("d", a).MustBuild()
	other := StructBuilder().Field("d", c).MustBuild()
	st, _ := NewStruct(nested)
	outer := StructBuilder().Field("inner", nested).MustBuild()
	o, _ := NewStruct(outer)
	if err := o.Put("inner", st); err != nil {
		t.Fatal(err)
	}
	wrong, _ := NewStruct(other)
	if err := o.Put("inner", wrong); err == nil || err.Error() != "Struct schemas do not match." {
		t.Fatalf("got %v", err)
	}
	if d := (Decimal{Unscaled: big.NewInt(1250), Scale: 2}); d.String() != "12.50" {
		t.Fatalf("decimal %s", d)
	}
}

func TestRetriable(t *testing.T) {
	base := errors.New("broker busy")
	if !IsRetriable(Retriable(base)) || IsRetriable(base) || !errors.Is(Retriable(base), base) {
		t.Fatal("Retriable must mark and unwrap")
	}
}
