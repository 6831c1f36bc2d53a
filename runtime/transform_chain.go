package runtime

import (
	"fmt"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// transformStage is one alias of the transforms list (Kafka's TransformationStage).
type transformStage struct {
	alias     string
	class     string // the transformation's class
	transform connector.Transformation
	predicate connector.Predicate // nil: always applies
	negate    bool
}

// transformChain applies the stages in list order; a stage returning nil drops the record
// and ends the chain (Kafka's TransformationChain).
type transformChain struct {
	stages []transformStage
}

// withPrefix returns the keys of cfg under prefix, with the prefix stripped.
func withPrefix(cfg connector.Config, prefix string) connector.Config {
	out := connector.Config{}
	for k, v := range cfg {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

// buildChain instantiates and configures the transforms and predicates of a connector
// config that has already passed validation.
func (p *Plugins) buildChain(cfg connector.Config) (*transformChain, error) {
	aliases, err := connector.ParseValue(connector.ConfigList, cfg[KeyTransforms])
	if err != nil {
		return nil, err
	}
	chain := &transformChain{}
	for _, alias := range aliases.([]string) {
		prefix := "transforms." + alias + "."
		tcfg := withPrefix(cfg, prefix)
		pl, err := p.Lookup(tcfg["type"], KindTransformation)
		if err != nil {
			return nil, fmt.Errorf("transformation %s: %w", alias, err)
		}
		stage := transformStage{alias: alias, class: pl.Class, transform: pl.NewTransformation()}
		predAlias := strings.TrimSpace(tcfg["predicate"])
		negate := strings.EqualFold(strings.TrimSpace(tcfg["negate"]), "true")
		delete(tcfg, "predicate")
		delete(tcfg, "negate")
		if err := stage.transform.Configure(tcfg); err != nil {
			return nil, fmt.Errorf("configuring transformation %s: %w", alias, err)
		}
		if predAlias != "" {
			pcfg := withPrefix(cfg, "predicates."+predAlias+".")
			ppl, err := p.Lookup(pcfg["type"], KindPredicate)
			if err != nil {
				return nil, fmt.Errorf("predicate %s of transformation %s: %w", predAlias, alias, err)
			}
			stage.predicate = ppl.NewPredicate()
			if err := stage.predicate.Configure(pcfg); err != nil {
				return nil, fmt.Errorf("configuring predicate %s: %w", predAlias, err)
			}
			stage.negate = negate
		}
		chain.stages = append(chain.stages, stage)
	}
	return chain, nil
}

// apply runs the chain. A nil record means a stage dropped it. The error names the stage.
func (c *transformChain) apply(r *connector.Record) (*connector.Record, error) {
	for _, s := range c.stages {
		if s.predicate != nil {
			ok, err := s.predicate.Test(r)
			if err != nil {
				return nil, &stageError{stage: StageTransformation, class: s.class, err: fmt.Errorf("predicate of transformation %s: %w", s.alias, err)}
			}
			if ok == s.negate {
				continue
			}
		}
		out, err := s.transform.Apply(r)
		if err != nil {
			return nil, &stageError{stage: StageTransformation, class: s.class, err: fmt.Errorf("transformation %s: %w", s.alias, err)}
		}
		if out == nil {
			return nil, nil
		}
		r = out
	}
	return r, nil
}
