import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import type { CampaignContext, CampaignView, ContactListView, SegmentView, TemplateView } from '@parley/common';
import { mediaApi } from '../media/media.api';
import { campaignsApi, builderApi, type AudienceCount, type AudienceEstimate } from './campaigns.api';
import { draftOf, emptyDraft, rowsFor, toBody, type DraftForm } from './campaign-draft';
import type { BuilderStep } from './campaign-steps';
import { useCampaignsStore } from './campaigns.store';
import { browserTimeZone } from './zoned-time';

/** Counting an audience queries every contact: wait until the selection stops changing. */
const ESTIMATE_DEBOUNCE_MS = 400;

/** The campaign being built or edited: the form, what it picks from, and its live estimate. */
export const useCampaignBuilderStore = defineStore('campaignBuilder', () => {
  const form = reactive<DraftForm>(emptyDraft());
  const id = ref<string | null>(null);
  /**
   * The zone the campaign is scheduled in: the tenant's (from the context, or stamped on a draft
   * by the engine), never the browser's once either is known.
   */
  const timeZone = ref(browserTimeZone());
  /** The tenant's zone and the number's throughput, the ceiling of the pace. */
  const context = ref<CampaignContext | null>(null);
  const lists = ref<ContactListView[]>([]);
  const segments = ref<SegmentView[]>([]);
  const templates = ref<TemplateView[]>([]);
  const count = ref<AudienceCount | null>(null);
  const estimate = ref<AudienceEstimate | null>(null);
  const estimateError = ref<unknown>(null);
  /** Set while the page moves from "new" to the saved draft's address, so the form and step carry over. */
  const handover = ref<{ id: string; step: BuilderStep } | null>(null);
  const loading = reactive({ draft: false, sources: false, estimate: false, save: false, launch: false, testSend: false });
  let estimateTicket = 0;
  let estimateTimer: ReturnType<typeof setTimeout> | undefined;

  const approved = computed(() => templates.value.filter((template) => template.status === 'APPROVED'));
  const template = computed(() => templates.value.find((candidate) => candidate.id === form.templateId) ?? null);
  const hasAudience = computed(() => form.listIds.length > 0 || form.allConsenting);

  const selection = () => ({ listIds: form.listIds, allConsenting: form.allConsenting, segmentId: form.segmentId });

  /** Who the audience reaches (from contacts) and, once a template is chosen, what it costs. */
  async function fetchEstimate(): Promise<void> {
    const mine = ++estimateTicket;
    if (!hasAudience.value) {
      count.value = null;
      estimate.value = null;
      estimateError.value = null;
      return;
    }
    loading.estimate = true;
    try {
      const templateId = form.templateId;
      const [counted, priced] = await Promise.all([builderApi.audienceCount(selection()), templateId ? campaignsApi.estimate(selection(), templateId) : null]);
      if (mine !== estimateTicket) return;
      count.value = counted;
      estimate.value = priced;
      estimateError.value = null;
    } catch (failure) {
      if (mine === estimateTicket) estimateError.value = failure;
    } finally {
      if (mine === estimateTicket) loading.estimate = false;
    }
  }

  watch(
    () => [form.listIds.join(','), form.allConsenting, form.segmentId, form.templateId],
    () => {
      clearTimeout(estimateTimer);
      estimateTimer = setTimeout(() => void fetchEstimate(), ESTIMATE_DEBOUNCE_MS);
    },
  );

  async function fetchSources(): Promise<void> {
    loading.sources = true;
    try {
      const [listAnswer, segmentAnswer, templateAnswer] = await Promise.all([builderApi.lists(), builderApi.segments(), builderApi.templates()]);
      lists.value = listAnswer;
      segments.value = segmentAnswer;
      templates.value = templateAnswer;
    } finally {
      loading.sources = false;
    }
  }

  function take(view: CampaignView): void {
    id.value = view.id;
    timeZone.value = view.timeZone;
    useCampaignsStore().receive(view);
  }

  /** Opens a fresh form, or the draft `draftId`; the sources load alongside. */
  async function start(draftId: string | null): Promise<CampaignView | null> {
    Object.assign(form, emptyDraft());
    id.value = null;
    count.value = null;
    estimate.value = null;
    estimateError.value = null;
    const sources = fetchSources();
    const contextLoaded = campaignsApi.context().then((answer) => (context.value = answer));
    if (!draftId) {
      const { timeZone: zone, throughput } = await contextLoaded;
      timeZone.value = zone;
      if (throughput !== null) form.throughputCap = Math.min(form.throughputCap, throughput);
      await sources;
      return null;
    }
    loading.draft = true;
    try {
      const view = await campaignsApi.get(draftId);
      Object.assign(form, draftOf(view));
      take(view);
      await Promise.all([sources, contextLoaded, showHeaderFiles()]);
      await fetchEstimate();
      return view;
    } finally {
      loading.draft = false;
    }
  }

  /** A draft names its header file by id: fetch it to show its name and thumbnail. */
  async function showHeaderFiles(): Promise<void> {
    await Promise.all(
      form.variables.filter((row) => row.kind === 'media' && row.mediaId && !row.media).map(async (row) => {
        // A file gone or unreadable shows as none to upload; the launch check says so in words.
        row.media = await mediaApi.get(row.mediaId).catch(() => null);
      }),
    );
  }

  function chooseTemplate(templateId: string | null): void {
    form.templateId = templateId;
    const chosen = template.value;
    form.variables = chosen ? rowsFor(chosen.variables, form.variables) : [];
  }

  const body = () => toBody(form, timeZone.value);

  async function save(): Promise<CampaignView> {
    loading.save = true;
    try {
      let view = id.value ? await campaignsApi.update(id.value, body()) : await campaignsApi.create(body());
      // The engine knows the tenant's zone for sure: a time picked in another is placed again in it.
      if (view.timeZone !== timeZone.value && form.scheduleMode === 'later') {
        timeZone.value = view.timeZone;
        view = await campaignsApi.update(view.id, { scheduleAt: body().scheduleAt });
      }
      take(view);
      return view;
    } finally {
      loading.save = false;
    }
  }

  async function launch(): Promise<CampaignView> {
    loading.launch = true;
    try {
      const saved = await save();
      const view = await campaignsApi.command(saved.id, 'launch');
      useCampaignsStore().receive(view);
      return view;
    } finally {
      loading.launch = false;
    }
  }

  async function testSend(phone: string): Promise<string> {
    loading.testSend = true;
    try {
      const saved = await save();
      return (await campaignsApi.testSend(saved.id, phone)).wamid;
    } finally {
      loading.testSend = false;
    }
  }

  return { form, id, handover, timeZone, context, lists, segments, templates, approved, template, hasAudience, count, estimate, estimateError, loading, start, fetchSources, chooseTemplate, body, save, launch, testSend };
});
