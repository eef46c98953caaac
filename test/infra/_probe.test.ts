import { App } from 'aws-cdk-lib';
import { Template, Annotations, Match } from 'aws-cdk-lib/assertions';
import { test } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { buildApp } from '../../infra/app.js';
import { writeFileSync } from 'node:fs';

test('probe', () => {
  const t0 = Date.now();
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const { stateful, service } = buildApp(app);
  const s = Template.fromStack(stateful);
  const v = Template.fromStack(service);
  console.log('synth ms', Date.now() - t0);
  writeFileSync('/tmp/stateful.json', JSON.stringify(s.toJSON(), null, 1));
  writeFileSync('/tmp/service.json', JSON.stringify(v.toJSON(), null, 1));
  for (const st of [stateful, service]) {
    const a = Annotations.fromStack(st);
    console.log(st.stackName, JSON.stringify(a.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(m => [m.id, m.entry.data])), JSON.stringify(a.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(m => [m.id, m.entry.data])));
  }
});
