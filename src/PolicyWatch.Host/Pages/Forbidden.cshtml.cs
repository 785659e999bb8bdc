using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PolicyWatch.Host.Pages;

/// <summary>Where a signed-in user lands on a page their role does not open: a 403 page, not a redirect to nowhere.</summary>
public sealed class ForbiddenModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
