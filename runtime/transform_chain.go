package runtime

import (
	"fmt"
	"strings"

	"github.com/hashicorp/go-hclog"

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
	multi  bool // a stage is a connector.MultiTransformation: use applyAll
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
// config that has already passed validation. log (nil: none) is given to the plugins that
// implement connector.LoggerSetter.
func (p *Plugins) buildChain(cfg connector.Config, log hclog.Logger) (*transformChain, error) {
	if log == nil {
		log = hclog.NewNullLogger()
	}
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
		if ls, ok := stage.transform.(connector.LoggerSetter); ok {
			ls.SetLogger(log.Named("transform").With("alias", alias))
		}
		if err := stage.transform.Configure(tcfg); err != nil {
			closePlugin(nil, stage.transform)
			chain.close(nil)
			return nil, fmt.Errorf("configuring transformation %s: %w", alias, err)
		}
		if _, ok := stage.transform.(connector.MultiTransformation); ok {
			chain.multi = true
		}
		if predAlias != "" {
			pcfg := withPrefix(cfg, "predicates."+predAlias+".")
			ppl, err := p.Lookup(pcfg["type"], KindPredicate)
			if err != nil {
				closePlugin(nil, stage.transform)
				chain.close(nil)
				return nil, fmt.Errorf("predicate %s of transformation %s: %w", predAlias, alias, err)
			}
			stage.predicate = ppl.NewPredicate()
			if ls, ok := stage.predicate.(connector.LoggerSetter); ok {
				ls.SetLogger(log.Named("predicate").With("alias", predAlias))
			}
			if err := stage.predicate.Configure(pcfg); err != nil {
				closePlugin(nil, stage.transform)
				closePlugin(nil, stage.predicate)
				chain.close(nil)
				return nil, fmt.Errorf("configuring predicate %s: %w", predAlias, err)
			}
			stage.negate = negate
		}
		chain.stages = append(chain.stages, stage)
	}
	return chain, nil
}

// apply runs a chain without MultiTransformation stages (see applyAll). A nil record means
// a stage dropped it. The error names the stage.
func (c *transformChain) apply(r *connector.Record) (*connector.Record, error) {
	for i := range c.stages {
		s := &c.stages[i]
		if skip, err := s.skips(r); err != nil || skip {
			if err != nil {
				return nil, err
			}
			continue
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

// skips reports whether the stage's predicate says not to apply it to r.
func (s *transformStage) skips(r *connector.Record) (bool, error) {
	if s.predicate == nil {
		return false, nil
	}
	ok, err := s.predicate.Test(r)
	if err != nil {
		return false, &stageError{stage: StageTransformation, class: s.class, err: fmt.Errorf("predicate of transformation %s: %w", s.alias, err)}
	}
	return ok == s.negate, nil
}

// applyAll runs the chain on r and appends its results to out: none when a stage dropped
// the record, several when a MultiTransformation split it; the stages after a split apply
// to each of its records in order.
func (c *transformChain) applyAll(r *connector.Record, out []*connector.Record) ([]*connector.Record, error) {
	return c.applyFrom(0, r, out)
}

func (c *transformChain) applyFrom(i int, r *connector.Record, out []*connector.Record) ([]*connector.Record, error) {
	for ; i < len(c.stages); i++ {
		s := &c.stages[i]
		if skip, err := s.skips(r); err != nil || skip {
			if err != nil {
				return out, err
			}
			continue
		}
		if m, ok := s.transform.(connector.MultiTransformation); ok {
			recs, err := m.ApplyMulti(r)
			if err != nil {
				return out, &stageError{stage: StageTransformation, class: s.class, err: fmt.Errorf("transformation %s: %w", s.alias, err)}
			}
			for _, rec := range recs {
				if rec == nil {
					continue
				}
				if out, err = c.applyFrom(i+1, rec, out); err != nil {
					return out, err
				}
			}
			return out, nil
		}
		next, err := s.transform.Apply(r)
		if err != nil {
			return out, &stageError{stage: StageTransformation, class: s.class, err: fmt.Errorf("transformation %s: %w", s.alias, err)}
		}
		if next == nil {
			return out, nil
		}
		r = next
	}
	return append(out, r), nil
}

// close closes the stages' transformations and predicates that hold resources.
func (c *transformChain) close(log hclog.Logger) {
	for _, s := range c.stages {
		closePlugin(log, s.transform)
		if s.predicate != nil {
			closePlugin(log, s.predicate)
		}
	}
}

// closePlugin calls Close on a plugin that implements connector.Closer, at teardown, when
// nobody is left to return an error to: a failure or a panic there is logged (log may be nil
// when the plugin never ran) and never crashes the worker.
func closePlugin(log hclog.Logger, p any) {
	c, ok := p.(connector.Closer)
	if !ok {
		return
	}
	defer func() {
		if r := recover(); r != nil && log != nil {
			log.Warn("plugin Close panicked", "plugin", fmt.Sprintf("%T", p), "panic", r)
		}
	}()
	if err := c.Close(); err != nil && log != nil {
		log.Warn("plugin Close failed", "plugin", fmt.Sprintf("%T", p), "error", err)
	}
}
