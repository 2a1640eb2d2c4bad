// One customer: basics, billing profile, DAP, GDAP, invitations and orders, as the role allows.

import { CUSTOMER } from '../documents.js';
import { h, mailtoLink, replace } from '../dom.js';
import { label, t } from '../i18n.js';
import { listen } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session } from '../session.js';
import {
  badge,
  breadcrumb,
  canTransact,
  details,
  emptyState,
  errorPage,
  failedRemovalNote,
  formatDate,
  formatDateTime,
  gdapTable,
  keepFocus,
  loading,
  notFoundPage,
  pageTitle,
  section,
  table,
  unlessQuiet,
} from './common.js';


function address(a) {
  if (!a) return null;
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country]
    .filter(Boolean)
    .join(', ');
}

function billingSection(profile) {
  return section(
    t('customer.billing'),
    profile
      ? details([
          [t('customer.contactName'), profile.contactName],
          [
            t('customer.contactEmail'),
            profile.contactEmail ? h('a', { href: mailtoLink(profile.contactEmail) }, profile.contactEmail) : null,
          ],
          [t('customer.phone'), profile.phone],
          [t('customer.language'), [profile.language, profile.culture].filter(Boolean).join(' / ')],
          [t('customer.address'), address(profile.address)],
        ])
      : emptyState(t('customer.noBilling')),
  );
}

function dapSection(grant) {
  return section(
    t('customer.dap'),
    h('p', { class: 'hint' }, t('customer.dapHint')),
    grant
      ? details([
          [t('customer.dapStatus'), badge('DelegatedAdminStatus', grant.status)],
          [t('customer.grantedAt'), formatDateTime(grant.grantedAt)],
          grant.revokedAt ? [t('customer.revokedAt'), formatDateTime(grant.revokedAt)] : null,
        ])
      : emptyState(t('customer.noDap')),
  );
}

function invitationsSection(connection, customer) {
  const rows = connection.edges.map((edge) => edge.node);
  return section(
    t('customer.invitations'),
    rows.length
      ? table({
          caption: t('customer.invitations'),
          testId: 'customer-invitations',
          columns: [
            {
              key: 'status',
              label: t('invitations.col.status'),
              render: (i) =>
                h('a', { href: links.invitation(i.id) }, badge('InvitationStatus', i.status)),
            },
            {
              key: 'recipient',
              label: t('invitations.col.recipient'),
              render: (i) => i.recipientEmail ?? '—',
              className: 'break',
            },
            { key: 'provider', label: t('invitations.col.provider'), render: (i) => i.indirectProvider?.name ?? '—' },
            { key: 'created', label: t('invitations.col.created'), render: (i) => formatDateTime(i.createdAt) },
            { key: 'expires', label: t('invitations.col.expires'), render: (i) => formatDate(i.expiresAt) },
          ],
          rows,
          rowKey: (i) => i.id,
        })
      : emptyState(t('customer.noInvitations', { company: customer.companyName })),
  );
}

function ordersSection(connection) {
  const rows = connection.edges.map((edge) => edge.node);
  return section(
    t('customer.orders'),
    rows.length
      ? table({
          caption: t('customer.orders'),
          testId: 'customer-orders',
          columns: [
            {
              key: 'offer',
              label: t('orders.col.offer'),
              header: true,
              render: (o) => h('span', { class: 'mono' }, o.offerId),
            },
            { key: 'quantity', label: t('orders.col.quantity'), render: (o) => String(o.quantity) },
            {
              key: 'placedBy',
              label: t('orders.col.placedBy'),
              render: (o) =>
                o.onBehalfOf
                  ? t('orders.onBehalfOf', { provider: o.placedBy.name, reseller: o.onBehalfOf.name })
                  : o.placedBy.name,
            },
            { key: 'created', label: t('orders.col.created'), render: (o) => formatDateTime(o.createdAt) },
          ],
          rows,
          rowKey: (o) => o.id,
        })
      : emptyState(t('customer.noOrders')),
  );
}

export function renderCustomer(main, { params: [id], signal, kept }) {
  replace(main, loading());
  let tenantId = null;

  const loader = createLoader({
    signal,
    kept,
    load: (loadSignal) =>
      query(
        CUSTOMER,
        { id, ...guardVariables() },
        { signal: loadSignal },
      ),
    apply: ({ customer }) => {
      if (!customer) {
        notFoundPage(main, { title: t('customer.notFoundTitle'), text: t('customer.notFound') });
        return;
      }
      tenantId = customer.tenantId;
      keepFocus(main, () => replace(main, view(customer)));
    },
    fail: unlessQuiet((error) => errorPage(main, error, () => loader.reload())),
  });

  function view(customer) {
    const isReseller = customer.relationshipToPartner === 'RESELLER';
    const actions = h(
      'div',
      { class: 'actions' },
      !isReseller && session.can.manageInvitations
        ? h('a', { class: 'button primary', href: links.invite(customer.id) }, t('customer.invite'))
        : null,
      isReseller && session.can.manageRemovals
        ? h(
            'a',
            { class: 'button danger-outline', href: links.remove(customer.id) },
            t('customer.remove'),
          )
        : null,
    );
    return h(
      'div',
      { class: 'customer' },
      breadcrumb([[t('nav.customers'), links.customers()], [customer.companyName]]),
      h('div', { class: 'page-head' }, pageTitle(customer.companyName), actions),
      failedRemovalNote(customer.failedRemoval),
      section(
        t('customer.overview'),
        details([
          [t('customer.domain'), customer.defaultDomain],
          [t('customer.tenantId'), h('span', { class: 'mono' }, customer.tenantId)],
          [t('customer.relationship'), badge('RelationshipToPartner', customer.relationshipToPartner)],
          [t('customer.establishedAt'), formatDateTime(customer.relationshipEstablishedAt)],
          [t('customer.channel'), label('AcquisitionChannel', customer.acquisitionChannel)],
          customer.indirectProvider
            ? [
                t('customer.indirectProvider'),
                `${customer.indirectProvider.name} (${customer.indirectProvider.partnerId})`,
              ]
            : null,
          customer.indirectReseller
            ? [
                t('customer.indirectReseller'),
                `${customer.indirectReseller.name} (${customer.indirectReseller.partnerId})`,
              ]
            : null,
          [t('customer.canTransact'), canTransact(customer, session.partner?.kind)],
        ]),
      ),
      session.can.viewBillingProfile ? billingSection(customer.billingProfile) : null,
      session.can.viewAdminRelationships ? dapSection(customer.delegatedAdmin) : null,
      session.can.viewAdminRelationships
        ? section(
            t('customer.gdap'),
            h('p', { class: 'hint' }, t('customer.gdapHint')),
            gdapTable(customer.gdapRelationships ?? [], t('customer.gdap')),
          )
        : null,
      session.can.manageInvitations && customer.invitations ? invitationsSection(customer.invitations, customer) : null,
      session.can.placeOrders && customer.orders ? ordersSection(customer.orders) : null,
    );
  }

  // Live: invitation status changes and relationship events for this customer only.
  listen('invitation', loader.when((invitation) => invitation.customer?.id === id), signal);
  listen('relationship', loader.when((event) => tenantId === null || event.customerTenantId === tenantId), signal);
  listen('reconnected', loader.when(), signal);
  loader.begin();
}
