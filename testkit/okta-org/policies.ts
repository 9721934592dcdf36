/** The stand-in's access policies and their rules, renumbered 1..n as Okta does. */
import {
  clone,
  invalid,
  type Json,
  notFound,
  now,
  oktaId,
  type Org,
  placeAt,
  type Policy,
  type Rule,
  type Server,
  tokenActions,
} from './model';

export function showPolicy(p: Policy): Json {
  const { rules: _rules, ...shown } = p;
  return clone(shown);
}

export function policies(
  org: Org,
  s: Server,
  method: string,
  id: string | undefined,
  leaf: string | undefined,
  ruleId: string | undefined,
  body: Json,
): [number, unknown] {
  if (!id) {
    if (method === 'GET') return [200, s.policies.map(showPolicy)];
    if (method === 'POST') {
      validatePolicy(body);
      const policy: Policy = {
        id: oktaId('00p'),
        type: 'OAUTH_AUTHORIZATION_POLICY',
        status: 'ACTIVE',
        name: String(body.name),
        description: String(body.description ?? ''),
        priority: 0,
        system: false,
        conditions: clone(body.conditions) as Policy['conditions'],
        created: now(),
        lastUpdated: now(),
        rules: [],
      };
      placeAt(s.policies, policy, body.priority);
      return [201, showPolicy(policy)];
    }
  }
  const policy = s.policies.find((p) => p.id === id);
  if (!policy) throw notFound(String(id), 'Policy');
  if (!leaf) {
    if (method === 'GET') return [200, showPolicy(policy)];
    if (method === 'PUT') {
      validatePolicy(body);
      Object.assign(policy, {
        name: body.name,
        description: body.description ?? policy.description,
        conditions: clone(body.conditions),
        lastUpdated: now(),
      });
      placeAt(s.policies, policy, body.priority ?? policy.priority);
      return [200, showPolicy(policy)];
    }
  }
  if (leaf === 'rules') {
    if (!ruleId && method === 'GET') return [200, clone(policy.rules)];
    if (!ruleId && method === 'POST') {
      validateRule(body);
      const rule: Rule = {
        id: oktaId('0pr'),
        type: 'RESOURCE_ACCESS',
        status: 'ACTIVE',
        name: String(body.name),
        priority: 0,
        system: false,
        conditions: clone(body.conditions) as Rule['conditions'],
        actions: clone(body.actions ?? { token: tokenActions() }),
        created: now(),
        lastUpdated: now(),
      };
      placeAt(policy.rules, rule, body.priority);
      return [201, clone(rule)];
    }
    const rule = policy.rules.find((r) => r.id === ruleId);
    if (!rule) throw notFound(String(ruleId), 'PolicyRule');
    if (method === 'GET') return [200, clone(rule)];
    if (method === 'PUT') {
      validateRule(body);
      Object.assign(rule, {
        name: body.name,
        conditions: clone(body.conditions),
        actions: clone(body.actions ?? rule.actions),
        lastUpdated: now(),
      });
      placeAt(policy.rules, rule, body.priority ?? rule.priority);
      return [200, clone(rule)];
    }
  }
  throw notFound(String(id), 'Policy');
}

export function validatePolicy(body: Json) {
  const causes: string[] = [];
  if (body.type !== 'OAUTH_AUTHORIZATION_POLICY') causes.push('type: Invalid policy type');
  if (typeof body.name !== 'string' || !body.name)
    causes.push('name: The field cannot be left blank');
  const include = (body.conditions as Policy['conditions'] | undefined)?.clients?.include;
  if (!Array.isArray(include) || include.length === 0)
    causes.push('conditions.clients: At least one client must be included');
  if (causes.length) throw invalid(...causes);
}

export function validateRule(body: Json) {
  const causes: string[] = [];
  const conditions = body.conditions as Partial<Rule['conditions']> | undefined;
  if (body.type !== 'RESOURCE_ACCESS') causes.push('type: Invalid rule type');
  if (typeof body.name !== 'string' || !body.name)
    causes.push('name: The field cannot be left blank');
  if (!conditions?.grantTypes?.include?.length)
    causes.push('conditions.grantTypes: At least one grant type is required');
  if (!conditions?.scopes?.include?.length)
    causes.push('conditions.scopes: At least one scope is required');
  if (!conditions?.people) causes.push('conditions.people: The field cannot be left blank');
  if (causes.length) throw invalid(...causes);
}
