from django.db import models

# Types in the register that are councils a peer challenge can be hosted by. Combined
# authorities (COMB) and the GLA (SRA) are in the register only as groupings.
COUNCIL_TYPES = {"NMD", "UA", "MD", "LBO", "CTY", "CC"}


class CouncilQuerySet(models.QuerySet):
    def active_english(self):
        return self.filter(is_active_english_council=True)


class Council(models.Model):
    """One row of the mySociety register of UK local authorities (CC-BY-4.0)."""

    code = models.CharField(max_length=8, unique=True, help_text="mySociety three-letter code")
    gss_code = models.CharField("GSS code", max_length=12, blank=True)
    name = models.CharField(max_length=200)
    official_name = models.CharField(max_length=200, blank=True)
    nation = models.CharField(max_length=40)
    region = models.CharField(max_length=60, blank=True)
    la_type = models.CharField("type", max_length=8)
    la_type_name = models.CharField("type name", max_length=80, blank=True)
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="districts"
    )
    combined_authority = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    replaced_by = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )
    is_current = models.BooleanField(default=True)
    # Who may host a challenge, said once: the database keeps it in step with the columns it
    # reads, and filters, guards and the API all read this one column.
    is_active_english_council = models.GeneratedField(
        expression=models.Case(
            models.When(
                models.Q(nation="England", is_current=True, la_type__in=sorted(COUNCIL_TYPES)),
                then=models.Value(True),
            ),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The order of every council list, and the way in to the case list by host name
        # (`ordering=host`): councils in name order, each one's cases from its index.
        indexes = [models.Index(fields=["name"], name="council_name")]

    def __str__(self) -> str:
        return self.name
