import { expect } from 'chai';
import { createActor } from 'xstate';
import { campaignMachine, type CampaignEffect, type CampaignEvent } from '../../src/domains/campaigns/campaign.machine.js';

function run(events: CampaignEvent[]) {
  const actor = createActor(campaignMachine, { input: { campaignId: 'c1' } });
  const effects: CampaignEffect[] = [];
  actor.on('*', (effect: CampaignEffect) => effects.push(effect));
  actor.start();
  for (const event of events) actor.send(event);
  const snapshot = actor.getSnapshot();
  actor.stop();
  return { state: String(snapshot.value), context: snapshot.context, effects };
}

describe('campaignMachine', () => {
  it('schedules a launch for later, arming the dispatch job, which starts it at its time without arming itself again', () => {
    const { state, effects } = run([{ type: 'LAUNCH', at: 1000, runAt: 5000 }]);
    expect(state).to.equal('scheduled');
    expect(effects).to.deep.include({ type: 'campaign.arm', at: 5000 });
    const started = run([{ type: 'LAUNCH', at: 1000, runAt: 5000 }, { type: 'START', at: 5000 }]);
    expect(started.state).to.equal('running');
    expect(started.context.startedAt).to.equal(5000);
    expect(started.effects.filter((e) => e.type === 'campaign.arm').map((e) => e.at)).to.deep.equal([5000]);
  });

  it('runs at once when launched without a schedule, and completes', () => {
    const { state, context, effects } = run([{ type: 'LAUNCH', at: 1000, runAt: null }, { type: 'COMPLETE', at: 9000 }]);
    expect(state).to.equal('completed');
    expect(context.finishedAt).to.equal(9000);
    expect(effects.filter((e) => e.type === 'campaign.changed').map((e) => (e.type === 'campaign.changed' ? e.status : null))).to.deep.equal(['running', 'completed']);
  });

  it('pauses with its reason and resumes, which arms dispatch again', () => {
    const { state, context, effects } = run([
      { type: 'LAUNCH', at: 1, runAt: null },
      { type: 'PAUSE', reason: 'quality', message: 'Quality dropped', at: 2 },
    ]);
    expect(state).to.equal('paused');
    expect(context.pause).to.deep.equal({ reason: 'quality', message: 'Quality dropped', at: 2 });
    expect(effects.at(-1)).to.deep.include({ type: 'campaign.changed', status: 'paused', pause: { reason: 'quality', message: 'Quality dropped', at: 2 } });
    const resumed = run([{ type: 'LAUNCH', at: 1, runAt: null }, { type: 'PAUSE', reason: 'manual', message: 'm', at: 2 }, { type: 'RESUME', at: 3 }]);
    expect(resumed.state).to.equal('running');
    expect(resumed.context.pause).to.equal(null);
    expect(resumed.effects.at(-2)).to.deep.equal({ type: 'campaign.arm', at: 3 });
  });

  it('fails with the reason in words, from running or paused', () => {
    const failed = run([{ type: 'LAUNCH', at: 1, runAt: null }, { type: 'FAIL', message: 'The number was disconnected.', at: 4 }]);
    expect(failed.state).to.equal('failed');
    expect(failed.context.failure).to.equal('The number was disconnected.');
    const fromPaused = run([{ type: 'LAUNCH', at: 1, runAt: null }, { type: 'PAUSE', reason: 'budget', message: 'b', at: 2 }, { type: 'FAIL', message: 'x', at: 3 }]);
    expect(fromPaused.state).to.equal('failed');
  });

  it('cancels from scheduled, running or paused, and then ignores everything', () => {
    for (const before of [[], [{ type: 'START', at: 6 }], [{ type: 'START', at: 6 }, { type: 'PAUSE', reason: 'tier', message: 't', at: 7 }]] as CampaignEvent[][]) {
      const { state } = run([{ type: 'LAUNCH', at: 1, runAt: 5 }, ...before, { type: 'CANCEL', at: 8 }, { type: 'RESUME', at: 9 }, { type: 'START', at: 10 }]);
      expect(state).to.equal('cancelled');
    }
  });

  it('refuses what a state does not allow: no pause before running, no completion while paused, no second launch', () => {
    const snapshot = (events: CampaignEvent[]) => {
      const actor = createActor(campaignMachine, { input: { campaignId: 'c1' } }).start();
      for (const event of events) actor.send(event);
      return actor.getSnapshot();
    };
    expect(snapshot([]).can({ type: 'PAUSE', reason: 'manual', message: 'm', at: 1 })).to.equal(false);
    expect(snapshot([{ type: 'LAUNCH', at: 1, runAt: null }, { type: 'PAUSE', reason: 'manual', message: 'm', at: 2 }]).can({ type: 'COMPLETE', at: 3 })).to.equal(false);
    expect(snapshot([{ type: 'LAUNCH', at: 1, runAt: null }]).can({ type: 'LAUNCH', at: 2, runAt: null })).to.equal(false);
    expect(snapshot([{ type: 'LAUNCH', at: 1, runAt: 9 }]).can({ type: 'RESUME', at: 2 })).to.equal(false);
  });
});
