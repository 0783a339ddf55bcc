-- Joined views for analysts (pipeline/views.py runs this after registering one view per Parquet
-- table and the vocabularies subject_patterns (rules/subjects.toml, for reference: targets carry
-- their category already), unit_factors and
-- period_factors (rules/units.toml)).

-- Each task with who leads, supports, is responsible for and supervises it (and who acts in its
-- prose, role actor, from the entities), the quantities it
-- sets and its dates. Bodies are as written, in the order they stand in the text.
create view task_view as
with bodies as (
    select task_id,
           list(body order by char_start) filter (where role = 'lead') as lead_bodies,
           list(body order by char_start) filter (where role = 'support') as support_bodies,
           list(body order by char_start) filter (where role = 'responsible') as responsible_bodies,
           list(body order by char_start) filter (where role = 'supervise') as supervise_bodies,
           list(body order by char_start) filter (where role = 'actor') as actor_bodies
    from responsibilities
    group by task_id
), task_targets as (
    select task_id,
           list({'raw': raw, 'value': value, 'unit': unit, 'comparator': comparator,
                 'subject': subject, 'kind': kind} order by char_start) as targets
    from targets
    where task_id is not null
    group by task_id
), task_dates as (
    select task_id,
           list(raw order by char_start) as dates,
           list("end" order by char_start) filter (where kind = 'deadline' and "end" is not null) as deadlines
    from dates
    where task_id is not null
    group by task_id
)
select t.task_id, t.doc_id, t.ordinal, t.outline, t.heading, t.text,
       coalesce(b.lead_bodies, []) as lead_bodies,
       coalesce(b.support_bodies, []) as support_bodies,
       coalesce(b.responsible_bodies, []) as responsible_bodies,
       coalesce(b.supervise_bodies, []) as supervise_bodies,
       coalesce(b.actor_bodies, []) as actor_bodies,
       coalesce(q.targets, []) as targets,
       coalesce(d.dates, []) as dates,
       coalesce(d.deadlines, []) as deadlines,
       t.char_start, t.char_end
from tasks t
left join bodies b using (task_id)
left join task_targets q using (task_id)
left join task_dates d using (task_id)
order by t.doc_id, t.ordinal;

-- Each target with where and when it was set, its subject category and its value in a common unit.
-- A target stated as a floor and a stretch (确保5%、力争6%) is one row: the floor's, with its
-- stretch (the stretch's own row, stretch_of set, is left out; the targets table has it).
create view target_view as
with task_deadlines as (
    select task_id, list(raw order by char_start) as task_dates,
           min("end") filter (where kind = 'deadline') as task_deadline
    from dates
    where task_id is not null
    group by task_id
)
select t.doc_id, t.task_id, t.raw, t.subject,
       -- the first category of rules/subjects.toml the subject matches, computed when the tables were written
       t.subject_category,
       t.value, t.value_max, t.unit, t.comparator, t.period, t.direction, t.kind,
       t.value * coalesce(u.factor, 1) * coalesce(f.per_year, 1) as value_norm,
       t.value_max * coalesce(u.factor, 1) * coalesce(f.per_year, 1) as value_max_norm,
       t.stretch, t.stretch * coalesce(u.factor, 1) * coalesce(f.per_year, 1) as stretch_norm,
       coalesce(u.unit_norm, t.unit) || if(f.per_year is null, '', '/年') as unit_norm,
       d.title, d.province, d.city, d.county,
       coalesce(d.county, d.city, d.province) as region,
       -- the year the target is set for (its section's, its deadline's), else the notice's year:
       -- issued, else published (news pages carry only the latter)
       coalesce(t.year, year(coalesce(d.issue_date, d.publish_date))) as year,
       year(coalesce(d.issue_date, d.publish_date)) as notice_year,
       t.deadline,
       coalesce(k.task_dates, []) as task_dates,
       -- by when: the target's own deadline, else its task's earliest
       coalesce(t.deadline, k.task_deadline) as due,
       t.char_start, t.char_end
from targets t
join documents d using (doc_id)
left join unit_factors u on u.unit = t.unit
left join period_factors f on f.period = t.period
left join task_deadlines k on k.task_id = t.task_id
where t.stretch_of is null
order by d.province, d.city, d.county, t.doc_id, t.char_start;

-- compare_targets('渔船'): the targets whose category or subject holds the words, region by region;
-- scopes (thresholds picking out whom a task is about) are not amounts to compare. Each row keeps
-- its notice, its text as written and its offsets, so that a surprising value can be looked up.
create macro compare_targets(words) as table
select province, region, year, subject_category as category, subject, value_norm as value,
       value_max_norm as value_max, stretch_norm as stretch, unit_norm as unit, comparator, kind, due as deadline,
       doc_id, raw, char_start, char_end
from target_view
where kind is distinct from 'scope'
  and (contains(subject_category, words) or contains(subject, words))
order by category, province, region, year, doc_id, char_start;
