/**
 * The catalog a fresh install starts with. It is only a seed: once in the database, plans
 * are edited by moderators through the admin API, never here.
 */
import type { CreatePlanInput } from './plan-schemas.js';

/** Annual is priced at ten months. */
const monthlyAndAnnual = (monthlyMinor: number) => [
  { interval: 'month' as const, amount_minor: monthlyMinor },
  { interval: 'year' as const, amount_minor: monthlyMinor * 10 },
];

const freeFeatures = ['community_basic'];
const coreFeatures = [...freeFeatures, 'private_channels', 'api_basic'];
const proFeatures = [...coreFeatures, 'autotrade_sandbox', 'outbound_webhooks', 'api_keys', 'priority_support'];
const vipFeatures = [...proFeatures, 'autotrade_live', 'multi_broker', 'vault_mirror_reporting', 'daily_pnl_reports'];
const enterpriseFeatures = [...vipFeatures, 'sso', 'sla', 'white_label_feeds'];

export const defaultCatalog: CreatePlanInput[] = [
  {
    id: 'free',
    kind: 'tier',
    name: 'Free',
    description: 'Basic community access and delayed signals.',
    rank: 0,
    features: freeFeatures,
    quotas: { signals_per_day: 10, signal_delay_seconds: 900, api_rpm: 10, seats: 1 },
    contact_sales: false,
    prices: [],
  },
  {
    id: 'core',
    kind: 'tier',
    name: 'Core',
    description: 'Real-time signals, private channels and the basic API.',
    rank: 10,
    features: coreFeatures,
    quotas: { signals_per_day: 100, signal_delay_seconds: 0, api_rpm: 60, seats: 1 },
    contact_sales: false,
    prices: monthlyAndAnnual(900),
  },
  {
    id: 'pro',
    kind: 'tier',
    name: 'Pro',
    description: 'Autotrade sandbox, webhooks, API keys and priority support.',
    rank: 20,
    features: proFeatures,
    quotas: { signals_per_day: 1000, signal_delay_seconds: 0, api_rpm: 300, seats: 1 },
    contact_sales: false,
    prices: monthlyAndAnnual(4900),
  },
  {
    id: 'vip',
    kind: 'tier',
    name: 'VIP',
    description: 'Live autotrade, multi-broker, vault mirror reporting and daily PnL reports.',
    rank: 30,
    features: vipFeatures,
    quotas: { signals_per_day: 5000, signal_delay_seconds: 0, api_rpm: 2000, seats: 1 },
    contact_sales: false,
    prices: monthlyAndAnnual(19_900),
  },
  {
    id: 'enterprise',
    kind: 'tier',
    name: 'Enterprise',
    description: 'SSO, SLA and white-label feeds. Priced with our team.',
    rank: 40,
    features: enterpriseFeatures,
    quotas: { signals_per_day: 100_000, signal_delay_seconds: 0, api_rpm: 10_000, seats: 25 },
    contact_sales: true,
    prices: [],
  },
  {
    id: 'addon_api_quota',
    kind: 'addon',
    name: 'Extra API quota',
    description: '+500 API requests per minute per unit.',
    rank: 0,
    features: [],
    quotas: { api_rpm: 500 },
    contact_sales: false,
    prices: [{ interval: 'month', amount_minor: 1900 }],
  },
  {
    id: 'addon_backfill',
    kind: 'addon',
    name: 'Historical backfill',
    description: 'Signal history beyond the last 7 days through the API.',
    rank: 0,
    features: ['historical_backfill'],
    quotas: {},
    contact_sales: false,
    prices: [{ interval: 'month', amount_minor: 1500 }],
  },
  {
    id: 'addon_mirrorvault',
    kind: 'addon',
    name: 'MirrorVault',
    description: 'Mirror the community vault positions into your own reports.',
    rank: 0,
    features: ['mirror_vault'],
    quotas: {},
    contact_sales: false,
    prices: [{ interval: 'month', amount_minor: 2900 }],
  },
  {
    id: 'addon_seat',
    kind: 'addon',
    name: 'Extra seat',
    description: 'One more team member on the same plan.',
    rank: 0,
    features: [],
    quotas: { seats: 1 },
    contact_sales: false,
    prices: [{ interval: 'month', amount_minor: 500 }],
  },
];
