package runtime

import (
	"fmt"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

func TestDLQMessageIsThePluginsOwn(t *testing.T) {
	cause := connector.DataErrorf("JsonPayload: value is not valid JSON")
	err := &stageError{stage: StageTransformation, class: "x", err: fmt.Errorf("transformation parse: %w", cause)}
	if got := causeMessage(fmt.Errorf("%w: %w", errToleranceExceeded, err)); got != cause.Error() {
		t.Fatalf("causeMessage = %q, want %q", got, cause.Error())
	}
	if got := exceptionClass(err); got != "org.apache.kafka.connect.errors.DataException" {
		t.Fatalf("exceptionClass = %q", got)
	}
	plain := fmt.Errorf("boom")
	if causeMessage(plain) != "boom" || exceptionClass(plain) != "org.apache.kafka.connect.errors.ConnectException" {
		t.Fatal("a plain error keeps its message and is a ConnectException")
	}
}
