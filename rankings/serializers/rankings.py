"""Stored rankings, their comparison with the global ranking, and a theory's distribution
(`api/rankings.py`): the contract's shapes, rows as `maths.ranking.RankingRow` holds them."""

from rest_framework import serializers


class RankingTheorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class AdjustedScoreSerializer(serializers.Serializer):
    score = serializers.FloatField(
        help_text=(
            "The item's effect in the additive model score = item + rater + noise, fitted by "
            "least squares on the observed ratings: the score the scope's average rater would "
            "give it. See /methods/#adjusted-score."
        )
    )
    interval = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="[low, high]: its 95% t-interval; null when the fit leaves no residual.",
    )


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    theory = RankingTheorySerializer()
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    stdev = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(
        child=serializers.IntegerField(), min_length=10, max_length=10
    )
    ci_low = serializers.FloatField(
        allow_null=True,
        help_text="95% t-interval of the mean: low (global: bootstrap over groups of `mean`).",
    )
    ci_high = serializers.FloatField(
        allow_null=True,
        help_text="95% t-interval of the mean: high (global: bootstrap over groups of `mean`).",
    )
    thin = serializers.BooleanField(
        help_text="n < 3 (the global ranking: fewer than 3 groups rated it): thin evidence."
    )
    groups = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=(
            "The global ranking only: how many of the groups it counts rated this theory (each "
            "one voice; `mean` is the median of their means). See /methods/#global-groups."
        ),
    )
    controversy = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Mean absolute difference between two different raters' scores (Gini's mean "
            "difference), 0..9; null when n < 2."
        ),
    )
    rank_interval = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text=(
            "[low, high]: the ranks (1 = best) the theory could plausibly hold given these "
            "raters (95%, by resampling the raters; the global ranking resamples its groups); "
            "low ≤ rank ≤ high. Null when nobody rated the theory or there are fewer than 3 "
            "raters (global: groups). See /methods/#rank-intervals."
        ),
    )
    tier = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        help_text=(
            "The group of theories these ratings cannot tell apart (1 = top tier); null without "
            "a rank interval. See /methods/#tiers."
        ),
    )
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=["split", "spread", "consensus"]),
        help_text=(
            "At most one named pattern: split (polarised: at least 30% at 1–3 and 30% at "
            "8–10), spread (no camps but the middle half spans 4 points or more), consensus "
            "(70% within one point of the median). Empty below 3 ratings. See /methods/#flags."
        ),
    )
    in_words = serializers.CharField(
        help_text='The counts behind the flags in words, e.g. "6 of 9 rated it 8 or more."'
    )
    coverage = serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "The share (0–1) of the scope's raters who rated this theory: `n` over the body's "
            "`raters` (the global ranking: the share of its counted groups). Null before the "
            "first recompute. See /methods/#coverage."
        ),
    )
    adjusted = AdjustedScoreSerializer(
        allow_null=True,
        help_text=(
            "The score corrected for who rated it, with its interval; with complete data its "
            "order is the mean's. Null where it cannot be estimated (`adjusted_note` says why: "
            "nobody rated it, not connected, or a ranking of groups)."
        ),
    )
    adjusted_note = serializers.CharField(
        allow_null=True,
        help_text='Why there is no adjusted score, e.g. "not connected: it shares no rater …".',
    )


class AgreementSerializer(serializers.Serializer):
    method = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    reading = serializers.CharField()
    n = serializers.IntegerField(
        required=False, help_text="Ratings alpha pairs (those of theories rated at least twice)."
    )


class RankIntervalsSerializer(serializers.Serializer):
    method = serializers.CharField()
    confidence = serializers.FloatField()
    resamples = serializers.IntegerField(help_text="0 when there are no intervals.")
    n = serializers.IntegerField(help_text="Raters resampled (global: the groups resampled).")


class ConcordanceSerializer(serializers.Serializer):
    method = serializers.CharField()
    value = serializers.FloatField(
        allow_null=True,
        help_text="Kendall's W, 0 (no agreement on the order) to 1 (every rater the same order).",
    )
    reading = serializers.CharField()
    n_raters = serializers.IntegerField()
    n_theories = serializers.IntegerField(help_text="Theories every counted rater rated.")


class RankDifferenceSerializer(serializers.Serializer):
    theory = serializers.IntegerField(help_text="Theory number.")
    group_rank = serializers.IntegerField(help_text="Place in the group's order (common theories).")
    reference_rank = serializers.IntegerField(help_text="Place in the reference order.")
    difference = serializers.IntegerField(
        help_text="reference_rank − group_rank: positive when the group ranks it higher."
    )


class ReferenceSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text='"post" (the source post\'s published order), "global", or "round-N".'
    )
    name = serializers.CharField()
    kendall_tau_b = serializers.FloatField(
        allow_null=True, help_text="1 = same order, −1 = reversed; null below 2 common theories."
    )
    kendall_tau_b_interval = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="95% bootstrap interval over raters; null below 3 raters.",
    )
    rbo = serializers.FloatField(
        allow_null=True,
        help_text="Extrapolated rank-biased overlap, p = 0.9 (weighs the top); 1 = identical.",
    )
    n = serializers.IntegerField(help_text="Theories in both orders (the others are left out).")
    largest_differences = RankDifferenceSerializer(many=True)
    sentence = serializers.CharField()
    left_out = serializers.ListField(child=serializers.IntegerField())


class NotableSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    sentence = serializers.CharField()


class RankingSummarySerializer(serializers.Serializer):
    agreement = AgreementSerializer()
    interval_method = serializers.CharField()
    most_controversial_highly_rated = NotableSerializer(allow_null=True)
    rank_intervals = RankIntervalsSerializer(required=False)
    uncertainty_reason = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Below 3 raters: why there are no rank intervals, tiers or flags.",
    )
    tiers = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text="Theory numbers per tier, best tier first.",
    )
    tier_sentence = serializers.CharField(required=False)
    kendall_w = ConcordanceSerializer(required=False)
    references = ReferenceSerializer(
        many=True,
        required=False,
        help_text="A group's order compared with reference orders; [] for the global ranking.",
    )


class RankingSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.BooleanField(
        help_text="True when the group hides results until the caller has rated: results is []."
    )
    raters = serializers.IntegerField(help_text="Distinct participants with at least one rating.")
    groups = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=(
            "The global ranking only: the groups it counts (listed public groups with ratings "
            "that count; see /methods/#global-groups)."
        ),
    )
    results = RankingRowSerializer(many=True)
    summary = RankingSummarySerializer(required=False)


class ComparisonRowSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    group_rank = serializers.IntegerField(allow_null=True)
    global_rank = serializers.IntegerField(allow_null=True)
    group_mean = serializers.FloatField(allow_null=True)
    global_mean = serializers.FloatField(allow_null=True)
    group_n = serializers.IntegerField()
    global_n = serializers.IntegerField()


class RankCorrelationSerializer(serializers.Serializer):
    method = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    pairs = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()
    rank_correlation = RankCorrelationSerializer(allow_null=True)
    results = ComparisonRowSerializer(many=True)


class HistogramSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class GroupHistogramSerializer(serializers.Serializer):
    # The group first, then its histogram: the order the answer has always had.
    slug = serializers.CharField()
    name = serializers.CharField()
    hidden = serializers.BooleanField()
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class DistributionSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    all_public = HistogramSerializer(help_text="Across every public group.")
    groups = GroupHistogramSerializer(many=True)
