import type { Engine } from '@parley/engine';

/** The simulator's demo number (scripts/whatsapp-simulator/README.md). */
export const DEMO_CHANNEL = {
  phoneNumberId: '100000000000001',
  wabaId: '200000000000001',
  displayPhoneNumber: '+1 555 010 0001',
  accessToken: 'demo-access-token',
  appSecret: 'demo-app-secret',
  verifyToken: 'demo-verify-token',
};

const DEMO_TEMPLATES = [
  {
    name: 'follow_up',
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, we are following up on your request. Reply to this message to continue.', example: { body_text: [['Ana']] } }],
  },
  {
    name: 'fibre_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, Fibre 500 is now {{2}} a month for new customers.', example: { body_text: [['Ana', '$29']] } },
      { type: 'FOOTER', text: 'Not interested? Tap Stop promotions' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  },
  {
    name: 'spring_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Spring offer' },
      { type: 'BODY', text: 'Hi {{1}}, enjoy {{2}} off any plan this spring. The offer ends on Sunday.', example: { body_text: [['Ana', '20%']] } },
      { type: 'FOOTER', text: 'Not interested? Tap Stop promotions' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  },
  {
    name: 'new_plan_named',
    language: 'en_US',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hello {{first_name}}, our new {{plan_name}} plan is here with twice the speed. Reply to ask us anything.',
        example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'plan_name', example: 'Fibre 1000' }] },
      },
      { type: 'FOOTER', text: 'Not interested? Tap Stop promotions' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'See the plan', url: 'https://demo.parley.local/plans/{{1}}', example: ['https://demo.parley.local/plans/fibre-1000'] },
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
        ],
      },
    ],
  },
];

/**
 * Connects the demo tenant to the simulator and submits its templates there (they get approved):
 * marketing ones, positional and named, for the campaign builder to pick.
 */
export async function seedDemoWhatsApp(engine: Engine, tenantId: string, actor: { id: string; email: string }, simulatorUrl: string): Promise<void> {
  const { channels } = engine.services;
  const graphBaseUrl = `${simulatorUrl}/v23.0`;
  const connected = await channels.list(tenantId);
  if (!connected.some((c) => c.phoneNumberId === DEMO_CHANNEL.phoneNumberId)) {
    await channels.connect(tenantId, { ...DEMO_CHANNEL, graphBaseUrl }, { ...actor, ip: null });
  }
  for (const template of DEMO_TEMPLATES) {
    const response = await fetch(`${graphBaseUrl}/${DEMO_CHANNEL.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_CHANNEL.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(template),
    }).catch(() => null);
    if (!response) {
      console.warn(`The WhatsApp simulator at ${simulatorUrl} did not answer; demo templates were not created.`);
      return;
    }
    await response.text();
  }
  // They arrive PENDING; the simulator approves them a few seconds later and says so by webhook.
  await engine.services.templates.sync(tenantId);
}
